package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/agent/cli"
)

// tend agent reads computed attributes before applying, as tend apply
// does: a resource that depends on dkim_key.key.dns_matches is applied,
// not left without a configuration.
func TestComputedUnderAgent(t *testing.T) {
	r := newComputedRun(t, "127.0.0.1:1")
	dir := t.TempDir()
	git := func(wd string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Ops", "GIT_AUTHOR_EMAIL=ops@tend.test",
			"GIT_COMMITTER_NAME=Ops", "GIT_COMMITTER_EMAIL=ops@tend.test")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	key := filepath.Join(dir, "id_ops")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, _ := os.ReadFile(key + ".pub")
	signers := filepath.Join(dir, "signers")
	writeFile(t, signers, "ops@tend.test "+string(pub))
	git(r.repo, "init", "-q", "-b", "main")
	git(r.repo, "add", ".")
	git(r.repo, "-c", "gpg.format=ssh", "-c", "user.signingkey="+key, "commit", "-q", "-S", "-m", "mx")

	var out, errOut bytes.Buffer
	args := []string{"agent", "--config", "", "--source", r.repo, "--signers", signers, "--node", "mx", "--root", r.root, "--state-dir", r.state}
	if code := cli.Main(args, &out, &errOut); code != 2 {
		t.Fatalf("tend agent: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	if r.milter() != "smtpd_milters = \n" {
		t.Fatalf("milter.conf after tend agent: %q", r.milter())
	}
}
