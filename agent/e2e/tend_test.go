package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/container"
)

var tendBuild shared

// tendBinary builds a static tend once per test binary.
func tendBinary(t *testing.T) string {
	return tendBuild.get(t, "tend", staticBinary("github.com/tendhq/tend/agent/cmd/tend", "tend"))
}

// host is a booted container with tend and a node repository in it.
type host struct {
	t *testing.T
	c *container.Container
}

// newHost boots a container with the packages' .debs available offline,
// tend in /usr/local/bin and the files of repo under /srv/repo.
func newHost(t *testing.T, packages []string, repo map[string]string) *host {
	c := container.New(t, container.Options{Packages: packages})
	c.CopyIn(t, tendBinary(t), "/usr/local/bin/tend")
	h := &host{t: t, c: c}
	for name, text := range repo {
		h.writeRepo(name, text)
	}
	c.Boot(t)
	return h
}

// writeRepo writes one file of the node repository (before or after boot:
// the root filesystem is a directory on this machine).
func (h *host) writeRepo(name, text string) {
	p := filepath.Join(h.c.Root(), "srv/repo", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// tend runs tend inside the container and returns its exit code and
// output; it fails the test when tend could not run at all.
func (h *host) tend(args ...string) (int, string) {
	h.t.Helper()
	argv := append([]string{"/usr/local/bin/tend"}, args...)
	return h.exec(append(argv, "--repo", "/srv/repo")...)
}

// exec runs a command inside the container and returns its exit code and
// output; it fails the test when the command could not run at all.
func (h *host) exec(argv ...string) (int, string) {
	h.t.Helper()
	stdout, stderr, err := h.c.Exec(context.Background(), argv...)
	out := stdout + stderr
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out
	case errors.As(err, &exit):
		return exit.ExitCode(), out
	}
	h.t.Fatalf("running %s: %v\n%s", argv[0], err, out)
	return -1, ""
}

// apply runs `tend apply` and fails the test unless it exits with want.
func (h *host) apply(node string, want int) string {
	h.t.Helper()
	code, out := h.tend("apply", "--node", node)
	if code != want {
		h.t.Fatalf("tend apply exited %d, want %d:\n%s", code, want, out)
	}
	return out
}

// sh runs a shell command inside and returns its trimmed stdout.
func (h *host) sh(cmd string) string {
	h.t.Helper()
	return strings.TrimSpace(h.c.Run(h.t, "/bin/sh", "-c", cmd))
}
