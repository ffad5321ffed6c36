package source

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// remote is a node repository that commits are made in, the source's URL.
type remote struct {
	t   *testing.T
	dir string
	env []string
}

// signing says how a test commit is signed.
type signing int

const (
	unsigned signing = iota
	byPGP
	bySSH
	byOtherPGP
	byOtherSSH
)

func newRemote(t *testing.T) *remote {
	t.Helper()
	dir := t.TempDir()
	home := t.TempDir()
	r := &remote{t: t, dir: dir, env: append(os.Environ(),
		"HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GNUPGHOME="+testKeys.gnupg,
		"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@tend.test",
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@tend.test")}
	r.git("init", "--quiet", "--initial-branch=main")
	return r
}

func (r *remote) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit writes a file and commits it, signed as asked; it returns the
// commit id.
func (r *remote) commit(path, content string, how signing) string {
	r.t.Helper()
	full := filepath.Join(r.dir, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.git("add", path)
	args := map[signing][]string{
		unsigned:   {"commit", "--no-gpg-sign"},
		byPGP:      {"-c", "user.signingkey=" + testKeys.pgp, "commit", "-S"},
		byOtherPGP: {"-c", "user.signingkey=" + testKeys.otherPGP, "commit", "-S"},
		bySSH:      {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + testKeys.ssh, "commit", "-S"},
		byOtherSSH: {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + testKeys.otherSSH, "commit", "-S"},
	}[how]
	r.git(append(args, "--quiet", "-m", "change "+path)...)
	return r.git("rev-parse", "HEAD")
}

// open opens a source on the remote with a fresh cache.
func (r *remote) open(cfg Config) *Source {
	r.t.Helper()
	if cfg.URL == "" {
		cfg.URL = r.dir
	}
	if cfg.Dir == "" {
		cfg.Dir = filepath.Join(r.t.TempDir(), "source")
	}
	s, err := Open(r.t.Context(), cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { s.Close() })
	return s
}
