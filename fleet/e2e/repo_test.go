package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repo is the fleet's node repository: a work repository on this machine
// whose commits are signed with an SSH key made for the test (or not
// signed at all), and the bare repository every host follows.
type repo struct {
	t    *testing.T
	dir  string // holds the key, work/ and nodes.git/
	env  []string
	Bare string
}

func newRepo(t *testing.T) *repo {
	dir := t.TempDir()
	r := &repo{t: t, dir: dir, Bare: filepath.Join(dir, "nodes.git"), env: append(os.Environ(), "HOME="+dir,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@tend.test",
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@tend.test")}
	r.cmd("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", "id_alice")
	r.cmd("git", "init", "-q", "-b", "main", "work")
	r.cmd("git", "init", "-q", "--bare", r.Bare)
	return r
}

// Signers is the allowlist line of the signing key, for /etc/tend/signers.
func (r *repo) Signers() string {
	key, err := os.ReadFile(filepath.Join(r.dir, "id_alice.pub"))
	if err != nil {
		r.t.Fatal(err)
	}
	return "alice@tend.test " + string(key)
}

func (r *repo) cmd(name string, args ...string) string {
	r.t.Helper()
	c := exec.Command(name, args...)
	c.Dir, c.Env = r.dir, r.env
	out, err := c.CombinedOutput()
	if err != nil {
		r.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	return r.cmd("git", append([]string{"-C", filepath.Join(r.dir, "work")}, args...)...)
}

// writeNode writes nodes/NAME.hcl of the work repository.
func (r *repo) writeNode(name, text string) {
	r.t.Helper()
	p := filepath.Join(r.dir, "work/nodes", name+".hcl")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit commits the work repository on its current branch, signed by
// alice or not signed, pushes the branch to the bare repository and
// returns the commit.
func (r *repo) commit(msg string, signed bool) string {
	r.t.Helper()
	r.git("add", "-A")
	args := []string{"commit", "--no-gpg-sign", "-q", "-m", msg}
	if signed {
		args = []string{"-c", "gpg.format=ssh", "-c", "user.signingkey=" + filepath.Join(r.dir, "id_alice"), "commit", "-S", "-q", "-m", msg}
	}
	r.git(args...)
	r.git("push", "-q", r.Bare, "HEAD:refs/heads/"+r.git("symbolic-ref", "--short", "HEAD"))
	return r.git("rev-parse", "HEAD")
}

// branch switches the work repository to a new branch from main.
func (r *repo) branch(name string) {
	r.t.Helper()
	r.git("checkout", "-q", "-b", name, "main")
}

// node is a small node: a directory and two files, no packages; fail
// adds an exec resource that fails at every apply.
func node(name, version string, fail bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "node %q {\n", name)
	fmt.Fprintf(&b, "  resource \"file\" \"dir\" {\n    path   = \"/srv/fleet\"\n    ensure = \"directory\"\n  }\n")
	fmt.Fprintf(&b, "  resource \"file\" \"role\" {\n    path    = \"/srv/fleet/role\"\n    content = \"%s\\n\"\n    depends_on = [file.dir]\n  }\n", name)
	fmt.Fprintf(&b, "  resource \"file\" \"motd\" {\n    path    = \"/etc/motd\"\n    content = \"%s: configuration %s\\n\"\n  }\n", name, version)
	if fail {
		fmt.Fprintf(&b, "  resource \"exec\" \"migrate\" {\n    command = \"echo the migration fails >&2; exit 3\"\n  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}
