package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAgentSourceOnBullseye runs tend agent inside Debian 11, whose git
// (2.30) predates git's SSH signature support: commits signed on this
// machine with an OpenPGP key and an SSH key are verified by the
// container's own git, gpg and ssh-keygen; an unsigned commit and one by
// an unknown key are refused and the last known good stays applied.
func TestAgentSourceOnBullseye(t *testing.T) {
	t.Parallel()
	pkgs := []string{"git", "gnupg", "openssh-client"}
	h := newHost(t, pkgs, nil)
	h.sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -q git gnupg openssh-client >/dev/null")
	t.Logf("in the container: %s; %s", h.sh("git --version"), h.sh("ssh -V 2>&1"))

	s := newSigner(t)
	bare := filepath.Join(h.c.Root(), "srv/nodes.git")
	s.cmd("git", "init", "-q", "--bare", bare)
	signers := "alice@tend.test " + s.read("id_alice.pub") + s.read("alice.asc")
	if err := os.MkdirAll(filepath.Join(h.c.Root(), "etc/tend"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.c.Root(), "etc/tend/signers"), []byte(signers), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(want int, content string, sign ...string) string {
		t.Helper()
		s.commit(bare, content, sign...)
		start := time.Now()
		code, out := h.agent()
		t.Logf("%s: exit %d in %s:\n%s", content, code, time.Since(start).Round(time.Millisecond), out)
		if code != want {
			t.Fatalf("tend agent exited %d, want %d:\n%s", code, want, out)
		}
		if got := h.sh("cat /srv/motd"); got != strings.TrimSpace(lastGood) {
			t.Errorf("/srv/motd = %q, want %q", got, lastGood)
		}
		return out
	}
	lastGood = "openpgp"
	out := run(2, "openpgp", "-c", "user.signingkey=alice@tend.test", "commit", "-S")
	mustMatch(t, out, `signed by OpenPGP key [0-9A-F]{40} \(Alice <alice@tend.test>\)`)
	lastGood = "ssh"
	out = run(2, "ssh", "-c", "gpg.format=ssh", "-c", "user.signingkey="+s.path("id_alice"), "commit", "-S")
	mustMatch(t, out, `signed by SSH key SHA256:\S+ \(alice@tend.test\)`)
	out = run(8, "unsigned", "commit", "--no-gpg-sign")
	mustMatch(t, out, `it is not signed`)
	out = run(8, "stranger", "-c", "gpg.format=ssh", "-c", "user.signingkey="+s.path("id_stranger"), "commit", "-S")
	mustMatch(t, out, `signed by a key that is not in the allowlist \(SSH key SHA256:\S+\)`)
}

// lastGood is what /srv/motd must hold after each run of the test above.
var lastGood string

func mustMatch(t *testing.T, out, re string) {
	t.Helper()
	if !regexp.MustCompile(re).MatchString(out) {
		t.Errorf("output does not match %s:\n%s", re, out)
	}
}

func (h *host) agent() (int, string) {
	h.t.Helper()
	return h.exec("/usr/local/bin/tend", "agent", "--config", "",
		"--source", "/srv/nodes.git", "--signers", "/etc/tend/signers", "--node", "web")
}

// signer is a work repository on this machine with an OpenPGP and two SSH
// keys made for the test.
type signer struct {
	t   *testing.T
	dir string
	env []string
}

func newSigner(t *testing.T) *signer {
	dir := t.TempDir()
	s := &signer{t: t, dir: dir, env: append(os.Environ(), "HOME="+dir, "GNUPGHOME="+filepath.Join(dir, "gnupg"),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@tend.test",
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@tend.test")}
	if err := os.Mkdir(filepath.Join(dir, "gnupg"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exec.Command("gpgconf", "--homedir", filepath.Join(dir, "gnupg"), "--kill", "all").Run() })
	s.cmd("gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Alice <alice@tend.test>", "ed25519", "sign", "never")
	s.cmd("sh", "-c", "gpg --batch --armor --export alice@tend.test > alice.asc")
	s.cmd("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", "id_alice")
	s.cmd("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", "id_stranger")
	s.cmd("git", "init", "-q", "-b", "main", "work")
	return s
}

func (s *signer) path(name string) string { return filepath.Join(s.dir, name) }

func (s *signer) read(name string) string {
	data, err := os.ReadFile(s.path(name))
	if err != nil {
		s.t.Fatal(err)
	}
	return string(data)
}

func (s *signer) cmd(name string, args ...string) string {
	s.t.Helper()
	c := exec.Command(name, args...)
	c.Dir, c.Env = s.dir, s.env
	out, err := c.CombinedOutput()
	if err != nil {
		s.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *signer) git(args ...string) {
	s.cmd("git", append([]string{"-C", s.path("work")}, args...)...)
}

// commit writes a node whose motd holds content, commits it with the
// given git arguments and pushes it to the bare repository.
func (s *signer) commit(bare, content string, args ...string) {
	node := "node \"web\" {\n  resource \"file\" \"motd\" {\n    path    = \"/srv/motd\"\n    content = \"" + content + "\\n\"\n  }\n}\n"
	if err := os.MkdirAll(s.path("work/nodes"), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(s.path("work/nodes/web.hcl"), []byte(node), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.git("add", ".")
	s.git(append(args, "-q", "-m", content)...)
	s.git("push", "-q", bare, "main")
}
