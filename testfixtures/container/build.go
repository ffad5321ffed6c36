package container

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BuildStatic builds the Go package pkg (an import path, or a path
// relative to the calling test's directory) as a static binary at path,
// so that it runs in the container whatever its C library; flags are
// extra go build flags such as "-ldflags=-s -w".
func BuildStatic(pkg, path string, flags ...string) error {
	args := append(append([]string{"build", "-trimpath"}, flags...), "-o", path, pkg)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s: %v\n%s", pkg, err, out)
	}
	return nil
}

// Build builds pkg with BuildStatic into the test's temporary directory
// and returns the binary's path, for CopyIn. Go's build cache makes
// repeated builds cheap.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), filepath.Base(pkg))
	if err := BuildStatic(pkg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// Sh runs a shell command inside the booted container and returns its
// trimmed standard output and error, whatever its exit status: for
// checks that compare what a command says.
func (c *Container) Sh(cmd string) string {
	stdout, stderr, _ := c.Exec(context.Background(), "/bin/sh", "-c", cmd)
	return strings.TrimSpace(stdout + stderr)
}
