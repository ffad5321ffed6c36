package e2e

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/container"
)

// exampleClone makes a git repository of the example node repository (so
// the test never depends on the checkout's state) with overlay applied
// (see copyExample).
func exampleClone(t *testing.T, overlay map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	copyExample(t, dir, overlay)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=tend", "GIT_AUTHOR_EMAIL=tend@example.test",
			"GIT_COMMITTER_NAME=tend", "GIT_COMMITTER_EMAIL=tend@example.test")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("git", "init", "-q", "-b", "main")
	run("git", "add", "-A")
	run("git", "commit", "-q", "-m", "example")
	return dir
}

// emailoutKeys is the overlay giving the relay its keys as the example
// keeps them, encrypted to recipient: a throwaway certificate and a DKIM
// key, which the relay must then install instead of generating one.
func emailoutKeys(t *testing.T, recipient string) map[string]string {
	overlay, _ := emailoutKeysAndDKIM(t, recipient)
	return overlay
}

// emailoutKeysAndDKIM is emailoutKeys, and the DKIM key's PEM.
func emailoutKeysAndDKIM(t *testing.T, recipient string) (map[string]string, string) {
	t.Helper()
	overlay := certificates(t, recipient, "emailout", map[string]string{"smtp": "emailout.cacert.org"})
	dkim, key := dkimKeyData(t, recipient)
	addOverlay(overlay, "data/nodes/emailout.hcl", dkim)
	return overlay, key
}

// checkGivenDKIMKey: the record the relay wrote is the given key's, so it
// installed that key (emailoutSigns then verifies signatures against it).
func checkGivenDKIMKey(t *testing.T, h *host, keyPEM string) {
	block, _ := pem.Decode([]byte(keyPEM))
	if block == nil {
		t.Fatal("the test's DKIM key is not PEM")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.(*rsa.PrivateKey).Public())
	if err != nil {
		t.Fatal(err)
	}
	if record := txtRecordValue(h.readRoot("/etc/dkim/2015.txt")); !strings.Contains(record, "p="+base64.StdEncoding.EncodeToString(der)) {
		t.Fatalf("/etc/dkim/2015.txt is not the given key's record: %s", record)
	}
}

// newRepoHost boots a container with node's packages available offline,
// tend in /usr/local/bin, an age identity of its own as
// /etc/tend/age-identity.txt, and in /srv/repo a git clone of the example
// with the overlay keys gives for the identity's recipient.
func newRepoHost(t *testing.T, node string, keys func(t *testing.T, recipient string) map[string]string) *host {
	c := container.New(t, container.Options{Packages: nodePackages(t, node)})
	c.CopyIn(t, tendBinary(t), "/usr/local/bin/tend")
	identity, recipient := newIdentity(t)
	c.CopyIn(t, identity, "/etc/tend/age-identity.txt")
	repo := exampleClone(t, keys(t, recipient))
	dst := filepath.Join(c.Root(), "srv/repo")
	if out, err := exec.Command("git", "clone", "-q", "--no-hardlinks", repo, dst).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	c.Boot(t)
	return &host{t: t, c: c}
}

// servicePIDs names each unit's main PID, to compare before and after.
func (h *host) servicePIDs(units ...string) string {
	var out []string
	for _, u := range units {
		out = append(out, u+"="+h.sh("systemctl show -p MainPID --value "+u))
	}
	return strings.Join(out, " ")
}

func TestEmailoutConverges(t *testing.T) {
	t.Parallel()
	var dkimKey string
	h := newRepoHost(t, "emailout", func(t *testing.T, recipient string) map[string]string {
		overlay, key := emailoutKeysAndDKIM(t, recipient)
		dkimKey = key
		return overlay
	})
	h.startDNS()

	first := h.apply("emailout", 2)
	checkGivenDKIMKey(t, h, dkimKey)
	// apt's progress and dpkg's messages reach the operator as they come.
	// On a pipe, progress is a line per tenth of the transaction, naming
	// whatever apt is doing then.
	if !regexp.MustCompile(`(?m)^module\.\S+: \d+% (Preparing|Unpacking|Installing|Configuring) \S+ \(amd64\)$`).MatchString(first) ||
		!regexp.MustCompile(`(?m)^module\.\S+: > Setting up postfix `).MatchString(first) {
		t.Errorf("the first run showed neither apt's progress nor dpkg's messages:\n%s", first)
	}
	// postfix@- runs the master; postfix.service is its umbrella.
	pids := h.servicePIDs("postfix@-", "opendkim")
	if out := h.apply("emailout", 0); !strings.Contains(out, "Apply: 0 changed, 0 failed, 0 skipped") {
		t.Fatalf("second run changed something:\n%s", out)
	}
	if now := h.servicePIDs("postfix@-", "opendkim"); now != pids {
		t.Fatalf("second run restarted a service: %v -> %v", pids, now)
	}
	emailoutRuns(t, h)
	emailoutMaps(t, h)
	emailoutSigns(t, h)
	emailoutDrift(t, h)
	emailoutRefusesBadConfig(t, h)
	emailoutRollsBack(t, h)
}

// emailoutRuns: the services are up, the configuration is clean, SMTP
// answers on port 25.
func emailoutRuns(t *testing.T, h *host) {
	for _, unit := range []string{"postfix", "opendkim"} {
		if got := h.sh("systemctl is-active " + unit + "; systemctl is-enabled " + unit); got != "active\nenabled" {
			t.Fatalf("%s: %q, want active and enabled", unit, got)
		}
	}
	if got := h.sh("postfix check 2>&1; echo exit=$?"); got != "exit=0" {
		t.Fatalf("postfix check: %s", got)
	}
	banner := h.c.Run(t, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/25; head -1 <&3; printf 'QUIT\\r\\n' >&3")
	if !strings.HasPrefix(banner, "220 emailout.intra.cacert.org ESMTP") {
		t.Fatalf("port 25 answers %q", banner)
	}
}

// emailoutMaps: the documented routes and rewrites.
func emailoutMaps(t *testing.T, h *host) {
	for query, want := range map[string]string{
		"postmap -q lists.cacert.org hash:/etc/postfix/transport":               "smtp:[lists.intra.cacert.org]",
		"postmap -q issue.cacert.org hash:/etc/postfix/transport":               "smtp:[issue.intra.cacert.org]",
		"postmap -q cacert.org hash:/etc/postfix/transport":                     "smtp:[email.intra.cacert.org]",
		"postmap -q root@web.intra.cacert.org pcre:/etc/postfix/canonical_maps": "web-admin@cacert.org",
		"postmap -q root@db.infra.cacert.org pcre:/etc/postfix/canonical_maps":  "db-admin@cacert.org",
	} {
		if got := h.sh(query); got != want {
			t.Errorf("%s = %q, want %q", query, got, want)
		}
	}
}

// emailoutSigns: the milter stays off until DNS serves the key's record;
// then one run wires it in with a reload, and relayed mail carries a
// DKIM-Signature that verifies against the generated record. Local mail
// is refused.
func emailoutSigns(t *testing.T, h *host) {
	if got := h.sh("postconf -h smtpd_milters"); got != "" {
		t.Fatalf("milter on before DNS serves the record: %q", got)
	}
	record := txtRecordValue(h.readRoot("/etc/dkim/2015.txt"))
	h.publishTXT("2015._domainkey.cacert.org", record)
	code, plan := h.tend("plan", "--node", "emailout")
	if code != 2 || !strings.Contains(plan, "module.opendkim.dkim_key.key.dns_matches = true") {
		t.Fatalf("plan once DNS serves the record (exit %d):\n%s", code, plan)
	}
	master := h.servicePIDs("postfix@-")
	out := h.apply("emailout", 2)
	if n := strings.Count(out, "module.postfix.service.postfix: refreshed"); n != 1 {
		t.Fatalf("postfix refreshed %d times, want once:\n%s", n, out)
	}
	if now := h.servicePIDs("postfix@-"); now != master {
		t.Fatalf("postfix restarted instead of reloaded: %v -> %v", master, now)
	}
	if got := h.sh("postconf -h smtpd_milters"); got != "unix:/opendkim/opendkim.sock" {
		t.Fatalf("smtpd_milters = %q once DNS matches", got)
	}
	h.apply("emailout", 0)

	h.sh("swaks --silent 2 --server 127.0.0.1 --from admin@cacert.org --to someone@example.net --header 'Subject: tend e2e' --body 'signed?'")
	ids := h.waitQueued("someone@example.net")
	msg := h.message(ids[0])
	if domains := verifyDKIM(t, msg, record); len(domains) != 1 || domains[0] != "cacert.org" {
		t.Fatalf("DKIM signatures of %v, want one of cacert.org:\n%s", domains, msg)
	}

	out, _, err := h.c.Exec(t.Context(), "swaks", "--silent", "2", "--server", "127.0.0.1", "--from", "admin@cacert.org", "--to", "root@localhost", "--body", "local")
	if err == nil || !strings.Contains(out, "550 5.1.1 <root@localhost>: Recipient address rejected: local delivery is disabled") {
		t.Fatalf("local mail not refused (%v):\n%s", err, out)
	}
}

// emailoutDrift: a hand edit shows in the plan and is undone with exactly
// one reload; a deleted table is rebuilt.
func emailoutDrift(t *testing.T, h *host) {
	h.sh("sed -i 's/^biff = no$/biff = yes/' /etc/postfix/main.cf")
	code, plan := h.tend("plan", "--node", "emailout")
	if code != 2 || !strings.Contains(plan, "~ module.postfix.file.main_cf") || !strings.Contains(plan, "-biff = yes") || !strings.Contains(plan, "+biff = no") {
		t.Fatalf("hand edit not planned (exit %d):\n%s", code, plan)
	}
	master := h.servicePIDs("postfix@-")
	out := h.apply("emailout", 2)
	if n := strings.Count(out, "module.postfix.service.postfix: refreshed"); n != 1 {
		t.Fatalf("postfix refreshed %d times, want once:\n%s", n, out)
	}
	if got := h.sh("postconf -h biff"); got != "no" {
		t.Fatalf("hand edit not undone: biff = %s", got)
	}
	if now := h.servicePIDs("postfix@-"); now != master {
		t.Fatalf("postfix restarted: %v -> %v", master, now)
	}
	h.sh("rm /etc/postfix/transport.db")
	h.apply("emailout", 2)
	if got := h.sh("postmap -q cacert.org hash:/etc/postfix/transport"); got != "smtp:[email.intra.cacert.org]" {
		t.Fatalf("deleted table not rebuilt: %q", got)
	}
	h.apply("emailout", 0)
}

// emailoutRefusesBadConfig: a node change that makes main.cf fail
// validation leaves the live file and the running postfix alone, and the
// run exits 4 naming the validator's complaint.
func emailoutRefusesBadConfig(t *testing.T, h *host) {
	before := h.sh("sha256sum < /etc/postfix/main.cf")
	master := h.servicePIDs("postfix@-")
	node := h.readRoot("/srv/repo/data/nodes/emailout.hcl")
	h.writeRepo("data/nodes/emailout.hcl", node+"smtp_helo_name = \"infrastructure.cacert.org\\nsmtp_helo_nmae = typo.cacert.org\"\n")
	out := h.apply("emailout", 4)
	if !strings.Contains(out, "module.postfix.file.main_cf: FAILED") || !strings.Contains(out, "unused parameter: smtp_helo_nmae=typo.cacert.org") {
		t.Fatalf("the validator's complaint is not in the output:\n%s", out)
	}
	if got := h.sh("sha256sum < /etc/postfix/main.cf"); got != before {
		t.Fatal("main.cf changed though it failed validation")
	}
	if got := h.sh("systemctl is-active postfix@-"); got != "active" || h.servicePIDs("postfix@-") != master {
		t.Fatalf("postfix disturbed by a refused configuration: %s", got)
	}
	// The refused change's refresh event was kept (an extra reload is
	// preferred to a lost one): the next run delivers it, once.
	h.writeRepo("data/nodes/emailout.hcl", node)
	if out := h.apply("emailout", 2); !strings.Contains(out, "Apply: 1 changed") || !strings.Contains(out, "module.postfix.service.postfix: refreshed") {
		t.Fatalf("run after the refused change:\n%s", out)
	}
	h.apply("emailout", 0)
}
