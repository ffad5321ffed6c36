package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// sinkDomain is the domain the email test's transport sends to the SMTP
// sink inside the container (agent/e2e/internal/smtpsink).
const sinkDomain = "sink.test"

var sinkBuild shared

func smtpSinkBinary(t *testing.T) string {
	return sinkBuild.get(t, "smtpsink", staticBinary("github.com/tendhq/tend/agent/e2e/internal/smtpsink", "smtpsink"))
}

// policyData is what the email test adds to the node's data for the
// checks below: the documented routes plus one to the sink, an admin
// whose key the test holds, and an SSH host key of the test's, its
// private half encrypted to the container.
func policyData(t *testing.T, recipient string, admin, hostKey sshKey) string {
	return `
transport = [
  { key = "lists.cacert.org", value = "smtp:[lists.intra.cacert.org]" },
  { key = "issue.cacert.org", value = "smtp:[issue.intra.cacert.org]" },
  { key = "` + sinkDomain + `", value = "smtp:[127.0.0.1]:2525" },
]
admins = { ada = { keys = ["` + admin.public + `"] } }
` + encryptedData(t, recipient, "ssh_host_ed25519_key", hostKey.private) + `
ssh_host_keys = { ed25519 = { private_key = data.ssh_host_ed25519_key, public_key = "` + hostKey.public + `" } }
`
}

// sshKey is an ed25519 key pair made by ssh-keygen for a test.
type sshKey struct{ private, public string }

func newSSHKey(t *testing.T, comment string) sshKey {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", p).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	priv, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(p + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return sshKey{private: string(priv), public: strings.TrimSpace(string(pub))}
}

// checkSenderLogins: an authenticated user may send as their own address
// and as the database's aliases that lead to them, and as nothing else.
func (h *host) checkSenderLogins(passwords map[string]string) {
	h.t.Helper()
	plain := func(user string) string {
		return h.sh("printf '\\0%s\\0%s' " + user + " " + passwords[user] + " | base64 -w0")
	}
	for _, c := range []struct{ user, from, want string }{
		{"alice", "info@cacert.org", "\n250 2.1.5 Ok"},
		{"alice", "alice@cacert.org", "\n250 2.1.5 Ok"},
		{"bob", "bob@cacert.org", "\n250 2.1.5 Ok"},
		{"bob", "info@cacert.org", "\n553 5.7.1 <info@cacert.org>: Sender address rejected: not owned by user bob"},
		{"alice", "someone@example.org", "\n553 5.7.1 <someone@example.org>: Sender address rejected: not owned by user alice"},
	} {
		out := h.smtp("587", "-starttls smtp", "> EHLO client.test", "<", "> AUTH PLAIN "+plain(c.user), "<",
			"> MAIL FROM:<"+c.from+">", "<", "> RCPT TO:<alice@cacert.org>", "<", "> QUIT", "<")
		if !strings.Contains(out, "\n235 2.7.0") || !strings.Contains(out, c.want) {
			h.t.Fatalf("%s sending as %s, want %q:\n%s", c.user, c.from, c.want, out)
		}
	}
	out := h.smtp("587", "-starttls smtp", "> EHLO client.test", "<",
		"> MAIL FROM:<info@cacert.org>", "<", "> RCPT TO:<alice@cacert.org>", "<", "> QUIT", "<")
	if !strings.Contains(out, "\n553 5.7.1 <info@cacert.org>: Sender address rejected: not logged in") {
		h.t.Fatalf("sending as info@cacert.org without logging in:\n%s", out)
	}
}

// waitFor polls a shell test inside the container until it prints want.
func (h *host) waitFor(what, script, want string) {
	h.t.Helper()
	for end := time.Now().Add(30 * time.Second); h.sh(script) != want; {
		if time.Now().After(end) {
			h.t.Fatalf("%s: %q never printed %q\nqueue: %s\n%s", what, script, want, h.sh("postqueue -p"), h.c.Journal(h.t, ""))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// send posts a message through the local sendmail.
func (h *host) send(rcpt, subject string) {
	h.sh("printf 'From: root@cacert.org\\nTo: " + rcpt + "\\nSubject: " + subject + "\\n\\nhello\\n' | /usr/sbin/sendmail -f root@cacert.org " + rcpt)
}

// checkRewrites: mail to a functional address is copied to the archive
// (cacert-inc-bcc); a deleted account's address goes to support's
// deleted-accounts address and an arbitration case's to the issue
// tracker (arbitration).
func (h *host) checkRewrites() {
	h.t.Helper()
	h.send("board@cacert.org", "e2e-bcc")
	for _, user := range []string{"alice", "bob"} {
		h.waitFor("board@ for "+user, "grep -l 'Subject: e2e-bcc' /home/mailboxes/"+user+"/Maildir/new/* 2>/dev/null | wc -l", "1")
	}
	h.send("deleted-carol@cacert.org", "e2e-deleted")
	h.waitFor("a deleted account's mail", "grep -l 'Subject: e2e-deleted' /home/mailboxes/support/Maildir/new/* 2>/dev/null | wc -l", "1")
	if got := h.sh("grep -h '^Delivered-To:' $(grep -l 'Subject: e2e-deleted' /home/mailboxes/support/Maildir/new/*)"); got != "Delivered-To: support+deletedaccounts@cacert.org" {
		h.t.Fatalf("the deleted account's mail was delivered to %q", got)
	}
	h.send("a20240101.1@cacert.org", "e2e-case")
	h.waitFor("an arbitration case's mail", "postqueue -j | grep -c '\"address\": *\"support@issue.cacert.org\"' || true", "1")
}

// checkOutboundTLS: mail for another host is offered over TLS, and the
// host's certificate (email.cacert.org) answers the sink's request for a
// client certificate.
func (h *host) checkOutboundTLS() {
	h.t.Helper()
	dir := filepath.Join(h.c.Root(), "srv/sink")
	if err := scratchroot.WriteCertificate(filepath.Join(dir, "chain.pem"), filepath.Join(dir, "key.pem"), []string{sinkDomain}); err != nil {
		h.t.Fatal(err)
	}
	h.c.CopyIn(h.t, smtpSinkBinary(h.t), "/usr/local/bin/smtpsink")
	h.sh("systemd-run --unit=smtpsink /usr/local/bin/smtpsink -listen 127.0.0.1:2525 -cert /srv/sink/chain.pem -key /srv/sink/key.pem -log /srv/sink/log")
	h.send("someone@"+sinkDomain, "e2e-outbound")
	h.waitFor("the sink's log", "cat /srv/sink/log 2>/dev/null | wc -l", "1")
	want := "tls=true client=email.cacert.org from=<root@cacert.org> rcpt=<someone@" + sinkDomain + ">"
	if got := h.sh("cat /srv/sink/log"); !strings.HasPrefix(got, want) {
		h.t.Fatalf("the sink logged %q, want %q", got, want)
	}
}

// checkSSH: sshd presents the host key from the configuration, lets the
// admin in with their key, and refuses root, with a key or a password.
func (h *host) checkSSH(admin, hostKey sshKey) {
	h.t.Helper()
	h.writeRoot("/root/ada_key", admin.private)
	h.sh("chmod 600 /root/ada_key; mkdir -p -m 700 /root/.ssh; printf '%s\\n' '" + admin.public + "' > /root/.ssh/authorized_keys; echo root:root-secret | chpasswd")
	fields := strings.Fields(hostKey.public)
	if got := h.sh("ssh-keyscan -t ed25519 127.0.0.1 2>/dev/null | cut -d' ' -f2-"); got != fields[0]+" "+fields[1] {
		h.t.Fatalf("sshd presents %q, want the configured host key %q", got, fields[0]+" "+fields[1])
	}
	ssh := "ssh -i /root/ada_key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
	if got := h.sh(ssh + "ada@127.0.0.1 'id -un; id -Gn' 2>/dev/null"); got != "ada\nada sshadmins" {
		h.t.Fatalf("the admin's login: %q", got)
	}
	if out := h.sh(ssh + "root@127.0.0.1 true 2>&1; echo exit=$?"); !strings.Contains(out, "Permission denied (publickey).") {
		h.t.Fatalf("root logged in, or was offered more than keys:\n%s", out)
	}
	if got := h.sh("sudo -l -U ada | grep -c '(ALL : ALL) ALL'"); got != "1" {
		h.t.Fatalf("sudo -l -U ada: %s", h.sh("sudo -l -U ada"))
	}
}
