package e2e

import (
	"strconv"
	"strings"
)

// imapSession is a bash script speaking IMAP over loopback: it logs in
// as $1 with password $2, selects the inbox and logs out, printing every
// line the server sends; a command is done when its tagged reply came.
const imapSession = `exec 3<>/dev/tcp/127.0.0.1/143
cmd() {
	printf '%s\r\n' "$1" >&3
	while IFS= read -r -t 10 line <&3; do
		line=${line%$'\r'}
		echo "$line"
		case $line in "${1%% *} "*) return ;; esac
	done
	return 1
}
IFS= read -r -t 10 line <&3 && echo "$line"
cmd "a LOGIN $1 $2" && cmd "b SELECT INBOX" && cmd "c LOGOUT"
`

// checkIMAP logs the user in over loopback IMAP (plaintext is allowed on
// loopback only) and counts the messages in the inbox.
func (h *host) checkIMAP(user, password string, messages int) {
	h.t.Helper()
	h.writeRoot("/root/imap.sh", imapSession)
	out := h.sh("bash /root/imap.sh " + user + " " + password + " 2>&1 || true")
	if !strings.Contains(out, "\na OK") || !strings.Contains(out, "\n* "+strconv.Itoa(messages)+" EXISTS") {
		h.t.Fatalf("IMAP session of %s, want a login and %d messages:\n%s", user, messages, out)
	}
}

// smtpSession is a bash script speaking SMTP over TLS to 127.0.0.1:$1
// through openssl s_client ($2: -starttls smtp, or "" for port 465). It
// reads the dialogue from stdin: a line "> TEXT" is sent, a line "<" waits
// for the server's complete reply, which is printed.
const smtpSession = `coproc S { openssl s_client -connect 127.0.0.1:$1 $2 -quiet -crlf 2>/root/smtp.err; }
while IFS= read -r step; do
	if [ -z "${S[1]}" ]; then
		echo "(the server closed the connection; openssl: $(tail -n 3 /root/smtp.err))"
		exit 1
	fi
	case $step in
	"<")
		while IFS= read -r -t 10 line <&"${S[0]}"; do
			line=${line%$'\r'}
			echo "$line"
			case $line in [0-9][0-9][0-9]" "*) break ;; esac
		done ;;
	"> "*) printf '%s\n' "${step#> }" >&"${S[1]}" ;;
	esac
done
`

// smtp runs one SMTP dialogue (see smtpSession) and returns what the
// server said.
func (h *host) smtp(port, starttls string, steps ...string) string {
	h.t.Helper()
	h.writeRoot("/root/smtp.sh", smtpSession)
	h.writeRoot("/root/smtp.in", strings.Join(steps, "\n")+"\n")
	return h.sh("bash /root/smtp.sh " + port + " '" + starttls + "' < /root/smtp.in 2>&1 || true")
}

// checkSubmission: on port 587, after STARTTLS, a wrong password is
// refused, an unauthenticated client may not send, and the user, once
// authenticated by Dovecot, submits a message that reaches the mailbox.
func (h *host) checkSubmission(user, password string) {
	h.t.Helper()
	plain := func(pw string) string { return h.sh("printf '\\0%s\\0%s' " + user + " " + pw + " | base64 -w0") }
	out := h.smtp("587", "-starttls smtp", "> EHLO client.test", "<", "> AUTH PLAIN "+plain("wrong"), "<",
		"> MAIL FROM:<someone@example.org>", "<", "> RCPT TO:<"+user+"@cacert.org>", "<", "> QUIT", "<")
	if !strings.Contains(out, "\n250-AUTH PLAIN LOGIN") || !strings.Contains(out, "\n554 5.7.1") || !strings.Contains(out, "\n535 5.7.8") {
		h.t.Fatalf("submission without valid credentials, want AUTH offered, the recipient refused (554) and the password refused (535):\n%s", out)
	}
	before := h.sh("ls /home/mailboxes/" + user + "/Maildir/new | wc -l")
	out = h.smtp("587", "-starttls smtp", "> EHLO client.test", "<", "> AUTH PLAIN "+plain(password), "<",
		"> MAIL FROM:<"+user+"@cacert.org>", "<", "> RCPT TO:<"+user+"@cacert.org>", "<", "> DATA", "<",
		"> Subject: e2e-submission", "> ", "> hello", "> .", "<", "> QUIT", "<")
	if !strings.Contains(out, "\n235 2.7.0") || !strings.Contains(out, "\n250 2.0.0 Ok: queued") {
		h.t.Fatalf("authenticated submission:\n%s", out)
	}
	h.waitFor("the submitted message in the mailbox ("+before+" before)",
		"grep -l 'Subject: e2e-submission' /home/mailboxes/"+user+"/Maildir/new/* 2>/dev/null | wc -l", "1")
}

// checkCertificates: SMTP from the Internet presents the email
// certificate; submission, SMTPS, IMAP(S) and POP3(S) the community one.
func (h *host) checkCertificates() {
	h.t.Helper()
	for _, c := range []struct{ port, opts, cn string }{
		{"25", "-starttls smtp", "email.cacert.org"},
		{"587", "-starttls smtp", "community.cacert.org"},
		{"465", "", "community.cacert.org"},
		{"143", "-starttls imap", "community.cacert.org"},
		{"993", "", "community.cacert.org"},
		{"110", "-starttls pop3", "community.cacert.org"},
		{"995", "", "community.cacert.org"},
	} {
		got := h.sh("openssl s_client -connect 127.0.0.1:" + c.port + " " + c.opts + " </dev/null 2>/dev/null | openssl x509 -noout -subject -nameopt RFC2253 || true")
		if got != "subject=CN="+c.cn {
			h.t.Fatalf("port %s presents %q, want CN %s", c.port, got, c.cn)
		}
	}
}
