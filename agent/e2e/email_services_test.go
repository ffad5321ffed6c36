package e2e

import (
	"strings"
)

// httpGet is a bash script sending GET $2 with Host $3 to 127.0.0.1:$1,
// over TLS (openssl s_client) when $4 is "tls", and printing the response
// with its carriage returns dropped.
const httpGet = `req() { printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$2" "$3"; }
if [ "$4" = tls ]; then
	req "$@" | openssl s_client -quiet -connect "127.0.0.1:$1" -servername "$3" 2>/dev/null | tr -d '\r'
else
	exec 3<>"/dev/tcp/127.0.0.1/$1" && req "$@" >&3 && timeout 10 cat <&3 | tr -d '\r'
fi
`

// httpGet returns the response to GET path on port (tls: over TLS), for
// the host name host.
func (h *host) httpGet(port, path, host string, tls bool) string {
	h.t.Helper()
	h.writeRoot("/root/http.sh", httpGet)
	mode := "plain"
	if tls {
		mode = "tls"
	}
	return h.sh("bash /root/http.sh " + port + " '" + path + "' " + host + " " + mode + " || true")
}

// unitUp fails the test unless unit is active and enabled.
func (h *host) unitUp(unit string) {
	h.t.Helper()
	if got := h.sh("systemctl is-active " + unit + "; systemctl is-enabled " + unit + " || true"); got != "active\nenabled" {
		h.t.Fatalf("%s: %q, want active and enabled\n%s", unit, got, h.c.Journal(h.t, unit))
	}
}

// checkNginx: nginx accepts its configuration; port 80 answers every
// request with a redirect to the same host and path over https; port
// 443 presents the community certificate and serves the site's page;
// Debian's default site is gone.
func (h *host) checkNginx() {
	h.t.Helper()
	h.unitUp("nginx")
	if code, out := h.exec("nginx", "-t", "-q"); code != 0 {
		h.t.Fatalf("nginx -t exited %d:\n%s", code, out)
	}
	out := h.httpGet("80", "/some/path?x=1", "community.cacert.org", false)
	if !strings.HasPrefix(out, "HTTP/1.1 301 ") || !strings.Contains(out, "\nLocation: https://community.cacert.org/some/path?x=1\n") {
		h.t.Fatalf("port 80, want a 301 to https://community.cacert.org/some/path?x=1:\n%s", out)
	}
	got := h.sh("openssl s_client -connect 127.0.0.1:443 -servername community.cacert.org </dev/null 2>/dev/null | openssl x509 -noout -subject -nameopt RFC2253 || true")
	if got != "subject=CN=community.cacert.org" {
		h.t.Fatalf("port 443 presents %q, want CN community.cacert.org", got)
	}
	out = h.httpGet("443", "/", "community.cacert.org", true)
	if !strings.HasPrefix(out, "HTTP/1.1 200 ") || !strings.Contains(out, "<h1>community.cacert.org</h1>") {
		h.t.Fatalf("https://community.cacert.org/, want the site's page:\n%s", out)
	}
	if got := h.sh("ls /etc/nginx/sites-enabled"); got != "community.cacert.org" {
		h.t.Fatalf("enabled nginx sites: %q, want only community.cacert.org", got)
	}
}

// fail2banJails are the jails the email host runs.
var fail2banJails = []string{"dovecot", "postfix-sasl", "sshd"}

// checkFail2ban: the three jails run on the journal; the postfix-sasl
// filter finds a failed SASL login of Postfix's submission service in the
// journal where its jail reads; a ban reaches nftables.
func (h *host) checkFail2ban() {
	h.t.Helper()
	h.unitUp("fail2ban")
	if got := h.sh("fail2ban-client status | sed -n 's/.*Jail list:[[:space:]]*//p'"); got != strings.Join(fail2banJails, ", ") {
		h.t.Fatalf("fail2ban's jails: %q, want %s\n%s", got, strings.Join(fail2banJails, ", "), h.sh("tail -n 20 /var/log/fail2ban.log"))
	}
	for _, jail := range fail2banJails {
		if out := h.sh("fail2ban-client status " + jail); !strings.Contains(out, "Journal matches:") {
			h.t.Fatalf("jail %s does not read the journal:\n%s", jail, out)
		}
	}
	match := h.sh("fail2ban-client get postfix-sasl journalmatch")
	if !strings.Contains(match, "_SYSTEMD_UNIT=postfix@-.service") {
		h.t.Fatalf("postfix-sasl reads %q, not postfix@-.service, where Debian 11's Postfix logs", match)
	}
	// A wrong password on submission (from loopback, which is never
	// banned).
	h.smtp("587", "-starttls smtp", "> EHLO client.test", "<", "> AUTH PLAIN AHByb2JlAHdyb25n", "<", "> QUIT", "<")
	out := h.sh("fail2ban-regex -m _SYSTEMD_UNIT=postfix@-.service systemd-journal 'postfix[mode=auth]' 2>&1 | grep '^Failregex:' || true")
	if out == "" || strings.HasPrefix(out, "Failregex: 0 ") {
		h.t.Fatalf("the postfix-sasl filter finds no failed SASL login in the journal: %q\n%s", out, h.sh("journalctl -q -u postfix@- | tail -n 5"))
	}
	h.sh("fail2ban-client set sshd banip 192.0.2.7")
	if got := h.sh("nft list set inet f2b-table addr-set-sshd 2>&1 || true"); !strings.Contains(got, "192.0.2.7") {
		h.t.Fatalf("a ban by the sshd jail is not in nftables:\n%s", got)
	}
	h.sh("fail2ban-client set sshd unbanip 192.0.2.7")
}

// checkIcinga: the agent's configuration passes `icinga2 daemon -C`, the
// service runs, and the API listens on 5665 with the certificate of the
// node's endpoint.
func (h *host) checkIcinga() {
	h.t.Helper()
	if code, out := h.exec("icinga2", "daemon", "-C"); code != 0 {
		h.t.Fatalf("icinga2 daemon -C exited %d:\n%s", code, out)
	}
	h.unitUp("icinga2")
	if out := h.sh("bash -c 'exec 3<>/dev/tcp/127.0.0.1/5665' 2>/dev/null && echo open || echo closed"); out != "open" {
		h.t.Fatalf("nothing listens on port 5665\n%s", h.c.Journal(h.t, "icinga2"))
	}
	node := h.sh("icinga2 variable get NodeName")
	got := h.sh("openssl s_client -connect 127.0.0.1:5665 </dev/null 2>/dev/null | openssl x509 -noout -subject -nameopt RFC2253 || true")
	if node == "" || got != "subject=CN="+node {
		h.t.Fatalf("the API presents %q, want the certificate of NodeName %q", got, node)
	}
}
