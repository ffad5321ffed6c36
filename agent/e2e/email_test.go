package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// The mail host's services, by unit: their main PIDs must survive a run
// that changes nothing.
var emailUnits = []string{"postfix", "dovecot", "mariadb", "ssh", "nginx", "fail2ban", "icinga2"}

// TestEmail converges the example's `email` node on a bare Debian 11
// container from a git clone, with throwaway certificates (keys) and
// database passwords encrypted to the container's age identity; a second run must
// change nothing and restart nothing. Then it proves the mail host works:
// Postfix reads mailboxes and aliases from MariaDB, Dovecot authenticates
// from it, messages reach the Maildir over LMTP, submission authenticates
// through Dovecot, IMAP serves the mailbox, and every TLS port presents
// the documented certificate; a user sends only as their own addresses,
// functional addresses are copied to the archive, recipients are
// rewritten as the arbitration table says, mail to other hosts leaves
// over TLS with the host's client certificate, and only the admins log
// in over SSH, to the host key kept in the configuration; nginx
// redirects to https and serves the community site, fail2ban's jails
// run, and the Icinga agent's configuration passes its own check.
func TestEmail(t *testing.T) {
	t.Parallel()
	start := time.Now()
	h := newHost(t, nodePackages(t, "email"), nil)
	recipient := h.sh("/usr/local/bin/tend identity 2>/dev/null")
	passwords := map[string]string{"postfix": randomPassword(t), "dovecot": randomPassword(t)}
	admin, hostKey := newSSHKey(t, "ada@tend.test"), newSSHKey(t, "email.cacert.org")
	overlay := certificates(t, recipient, "email", map[string]string{"smtp": "email.cacert.org", "community": "community.cacert.org"})
	addOverlay(overlay, "data/nodes/email.hcl", "\n# test only\n"+
		encryptedData(t, recipient, "postfix_db_password", passwords["postfix"])+
		encryptedData(t, recipient, "dovecot_db_password", passwords["dovecot"])+
		policyData(t, recipient, admin, hostKey))
	h.cloneExample(overlay)
	t.Logf("container ready in %s", time.Since(start).Round(time.Millisecond))

	first := h.timedApply("email", 2, "first")
	t.Logf("first run by kind: %s", h.kindTimings())
	pids := h.mainPIDs(emailUnits...)
	second := h.timedApply("email", 0, "second")
	if !strings.Contains(second, "Apply: 0 changed, 0 failed, 0 skipped") {
		t.Fatalf("second run changed something:\n%s", second)
	}
	if got := h.mainPIDs(emailUnits...); got != pids {
		t.Fatalf("a service restarted during the second run: %s -> %s", pids, got)
	}

	h.checkEmailServices()
	h.checkDBPasswords(passwords, first+second)
	// sysadmin, where root's mail goes (data/common.hcl), is alice too.
	h.addMailUser("alice", "alice-secret", "info", "sysadmin", "board")
	h.checkPostfixMaps("alice", "info")
	h.checkDovecotAuth("alice", "alice-secret")
	// postmaster@cacert.org: /etc/aliases (postmaster -> root ->
	// sysadmin@cacert.org), then the database's alias.
	h.checkDelivery("alice", "alice@cacert.org", "info@cacert.org", "postmaster@cacert.org")
	h.checkSubmission("alice", "alice-secret")
	h.checkIMAP("alice", "alice-secret", 4)
	h.checkCertificates()

	h.addMailUser("bob", "bob-secret", "inc-archive")
	h.addMailUser("support", "support-secret")
	h.checkSenderLogins(map[string]string{"alice": "alice-secret", "bob": "bob-secret"})
	h.checkRewrites()
	h.checkOutboundTLS()
	h.checkSSH(admin, hostKey)
	h.checkNginx()
	h.checkFail2ban()
	h.checkIcinga()
	t.Logf("whole test %s", time.Since(start).Round(time.Millisecond))
}

// timedApply runs `tend apply` and logs how long it took.
func (h *host) timedApply(node string, want int, which string) string {
	h.t.Helper()
	start := time.Now()
	out := h.apply(node, want)
	h.t.Logf("%s apply of %s: exit %d in %s", which, node, want, time.Since(start).Round(time.Millisecond))
	return out
}

// checkEmailServices: every service enabled and running, Postfix's and
// Dovecot's configurations accepted by their own checkers.
func (h *host) checkEmailServices() {
	h.t.Helper()
	for _, unit := range []string{"postfix", "dovecot", "mariadb"} {
		if got := h.sh("systemctl is-active " + unit + "; systemctl is-enabled " + unit + " || true"); got != "active\nenabled" {
			h.t.Fatalf("%s: %q, want active and enabled\n%s", unit, got, h.c.Journal(h.t, unit))
		}
	}
	if out := h.sh("postfix check 2>&1"); out != "" {
		h.t.Fatalf("postfix check complains:\n%s", out)
	}
	if out := h.sh("doveconf -n 2>&1 >/dev/null"); out != "" {
		h.t.Fatalf("doveconf complains:\n%s", out)
	}
	// SMTP, submission, smtps; IMAP(S), POP3(S), ManageSieve; MariaDB.
	for _, port := range []string{"25", "587", "465", "143", "993", "110", "995", "4190", "3306"} {
		if out := h.sh("nc -z -w 2 127.0.0.1 " + port + " && echo open || echo closed"); out != "open" {
			h.t.Fatalf("nothing listens on port %s", port)
		}
	}
	if got := h.sh("stat -c '%F %U' /var/spool/postfix/private/auth /var/spool/postfix/private/dovecot-lmtp"); got != "socket postfix\nsocket postfix" {
		h.t.Fatalf("Dovecot's sockets in Postfix's spool: %q", got)
	}
}

// addMailUser inserts a mailbox user and aliases of it into the
// database's tables, the way the host's admins would.
func (h *host) addMailUser(user, password string, aliases ...string) {
	h.t.Helper()
	hash := h.sh("doveadm pw -s SHA512-CRYPT -p " + password)
	if !strings.HasPrefix(hash, "{SHA512-CRYPT}$6$") {
		h.t.Fatalf("doveadm pw: %q", hash)
	}
	sql := "INSERT INTO users (username, password) VALUES ('" + user + "', '" + hash + "');\n"
	for _, a := range aliases {
		sql += "INSERT INTO aliases (alias, destination) VALUES ('" + a + "', '" + user + "@cacert.org');\n"
	}
	h.writeRoot("/root/user.sql", sql)
	h.sh("mysql cacertusers < /root/user.sql && rm /root/user.sql")
}

// checkPostfixMaps looks the user and the alias up the way Postfix does:
// through proxymap, as the database's postfix user, reading the views.
func (h *host) checkPostfixMaps(user, alias string) {
	h.t.Helper()
	for _, c := range []struct{ key, table, want string }{
		{user + "@cacert.org", "mysql-mailboxes.cf", user + "/Maildir/"},
		{alias + "@cacert.org", "mysql-aliases.cf", user + "@cacert.org"},
	} {
		table := "proxy:mysql:/etc/postfix/" + c.table
		if !strings.Contains(h.sh("postconf -xh virtual_mailbox_maps virtual_alias_maps"), table) {
			h.t.Fatalf("main.cf does not list %s", table)
		}
		if got := h.sh("postmap -q " + c.key + " " + table + " 2>&1 || true"); got != c.want {
			h.t.Fatalf("postmap -q %s %s = %q, want %q", c.key, table, got, c.want)
		}
	}
	if got := h.sh("postmap -q postmaster@cacert.org hash:/etc/postfix/virtual"); got != "postmaster@localhost" {
		h.t.Fatalf("postmaster@cacert.org is not the local postmaster: %q", got)
	}
	if got := h.sh("postconf -h alias_maps"); got != "hash:/etc/aliases" {
		h.t.Fatalf("alias_maps = %q, want only /etc/aliases", got)
	}
	if got := h.sh("postmap -q nobody@cacert.org proxy:mysql:/etc/postfix/mysql-mailboxes.cf; echo $?"); got != "1" {
		h.t.Fatalf("an unknown address is found: %q", got)
	}
}

// checkDovecotAuth authenticates the user over loopback, and makes sure a
// wrong password is refused.
func (h *host) checkDovecotAuth(user, password string) {
	h.t.Helper()
	if out := h.sh("doveadm auth test " + user + " " + password + " 2>&1 || true"); !strings.Contains(out, "auth succeeded") {
		h.t.Fatalf("doveadm auth test %s: %s\n%s", user, out, h.c.Journal(h.t, "dovecot"))
	}
	if out := h.sh("doveadm auth test " + user + " wrong 2>&1 || true"); !strings.Contains(out, "auth failed") {
		h.t.Fatalf("a wrong password is not refused: %s", out)
	}
	if out := h.sh("doveadm user " + user + "@cacert.org"); !strings.Contains(out, "\nhome\t/home/mailboxes/"+user+"\n") {
		h.t.Fatalf("doveadm user %s:\n%s", user, out)
	}
	if out := h.sh("doveadm user '*'"); out != user {
		h.t.Fatalf("doveadm user '*' lists %q, want only %s", out, user)
	}
	if out := h.sh("journalctl -q -u dovecot | grep -E '(auth|config): Warning' || true"); out != "" {
		h.t.Fatalf("Dovecot warns:\n%s", out)
	}
}

// checkDelivery submits a message for each recipient, all of which lead
// to user's mailbox; Postfix must hand each to Dovecot over LMTP.
func (h *host) checkDelivery(user string, recipients ...string) {
	h.t.Helper()
	for i, rcpt := range recipients {
		subject := "e2e-" + rcpt
		h.send(rcpt, subject)
		glob := "/home/mailboxes/" + user + "/Maildir/new/*"
		h.waitFor("a message for "+rcpt+" in "+glob, "ls "+glob+" 2>/dev/null | wc -l", strconv.Itoa(i+1))
		if got := h.sh("grep -l 'Subject: " + subject + "' " + glob + " | wc -l"); got != "1" {
			h.t.Fatalf("the message for %s is not in the Maildir (%s)", rcpt, got)
		}
	}
	if owner := h.sh("stat -c %U:%G /home/mailboxes/" + user + "/Maildir"); owner != "vmail:vmail" {
		h.t.Fatalf("Maildir owned by %s, want vmail:vmail", owner)
	}
}

// checkDBPasswords: the decrypted database passwords are in the files of
// the services that use them, readable by those services only, and
// nowhere in tend's output or state.
func (h *host) checkDBPasswords(passwords map[string]string, output string) {
	h.t.Helper()
	files := map[string]string{
		"postfix": "/etc/postfix/mysql-mailboxes.cf /etc/postfix/mysql-aliases.cf",
		"dovecot": "/etc/dovecot/dovecot-sql.conf.ext",
	}
	modes := map[string]string{"postfix": "640 root:postfix", "dovecot": "600 root:root"}
	for user, pw := range passwords {
		for _, f := range strings.Fields(files[user]) {
			if !strings.Contains(h.readRoot(f), "password = "+pw) && !strings.Contains(h.readRoot(f), "password="+pw) {
				h.t.Fatalf("%s does not hold the decrypted password of %s", f, user)
			}
			if got := h.sh("stat -c '%a %U:%G' " + f); got != modes[user] {
				h.t.Fatalf("%s: %s, want %s", f, got, modes[user])
			}
		}
		if strings.Contains(output, pw) {
			h.t.Fatalf("tend printed the password of %s", user)
		}
		if got := h.sh("grep -rlF -- '" + pw + "' /var/lib/tend || true"); got != "" {
			h.t.Fatalf("the password of %s is stored in %s", user, got)
		}
	}
}
