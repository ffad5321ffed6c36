package cli_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

const colourNode = `node "web" {
  resource "file" "motd" {
    path    = "/srv/motd"
    content = "hello\n"
  }
  resource "file" "old" {
    path   = "/srv/old"
    ensure = "absent"
  }
}
`

// TestColourOnATerminal runs tend plan and apply, under the supervisor
// as the tend binary does, on a pseudo-terminal: the plan's markers are
// coloured, unless NO_COLOR is set or --no-color is given.
func TestColourOnATerminal(t *testing.T) {
	green, red := "\x1b[32m+\x1b[0m file.motd", "\x1b[31m-\x1b[0m file.old"
	for _, c := range []struct {
		name   string
		env    []string
		args   []string
		colour bool
	}{
		{"plan", nil, []string{"plan"}, true},
		{"apply", nil, []string{"apply"}, true},
		{"plan with NO_COLOR", []string{"NO_COLOR=1"}, []string{"plan"}, false},
		{"plan --no-color", nil, []string{"plan", "--no-color"}, false},
		{"apply with NO_COLOR", []string{"NO_COLOR=1"}, []string{"apply"}, false},
		{"apply --no-color", nil, []string{"apply", "--no-color"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := colourRepo(t)
			args := append(c.args, "--repo", dir, "--node", "web", "--root", filepath.Join(dir, "root"),
				"--state-dir", filepath.Join(dir, "state"))
			code, out := onTerminal(t, args, c.env)
			if code != 2 || !strings.Contains(out, "file.motd") {
				t.Fatalf("tend %s: exit %d:\n%s", strings.Join(args, " "), code, out)
			}
			has := strings.Contains(out, green) && strings.Contains(out, red)
			if c.colour != has || !c.colour && strings.Contains(out, "\x1b[") {
				t.Errorf("tend %s on a terminal (env %v): colour %v, want %v:\n%q", strings.Join(c.args, " "), c.env, has, c.colour, out)
			}
		})
	}
}

// colourRepo is a repository whose node creates one file and deletes
// another under DIR/root.
func colourRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"nodes/web.hcl": colourNode, "root/srv/old": "old\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// onTerminal runs the test binary as the supervised tend binary with
// its stdin, stdout and stderr on a pseudo-terminal, and returns its
// exit code and all it wrote there.
func onTerminal(t *testing.T, args, env []string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"tend"}, args...)...)
	cmd.Args[0] = "supervised"
	cmd.Env = append(os.Environ(), "TERM=xterm", "NO_COLOR=")
	cmd.Env = append(cmd.Env, env...)
	ptmx, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, ptmx)
	if err != nil && !errors.Is(err, syscall.EIO) { // EIO: the terminal's other side closed
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode(), out.String()
	}
	t.Fatalf("tend %s: %v", strings.Join(args, " "), err)
	return 0, ""
}

const slowNode = `node "web" {
  resource "exec" "slow" {
    command = "sleep 1.2"
  }
}
`

// TestStatusLineOnATerminal applies a resource that takes over a second:
// on a terminal a status line names it while it runs (with NO_COLOR too,
// since it needs no escape sequence), and the outcome says how long it
// took; on a pipe the same lines come without the status line.
func TestStatusLineOnATerminal(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"nodes", "root"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "nodes/web.hcl"), []byte(slowNode), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"apply", "--repo", dir, "--node", "web", "--root", filepath.Join(dir, "root"), "--state-dir", filepath.Join(dir, "state")}
	for _, env := range [][]string{nil, {"NO_COLOR=1"}} {
		code, out := onTerminal(t, args, env)
		if code != 2 || !strings.Contains(out, "\r... exec.slow (") || !strings.Contains(out, "exec.slow: took 1.") {
			t.Errorf("on a terminal (env %v): exit %d, no status line or duration:\n%q", env, code, out)
		}
		if env != nil && strings.Contains(out, "\x1b[") {
			t.Errorf("with NO_COLOR: an escape sequence:\n%q", out)
		}
	}
	cmd := exec.Command(os.Args[0], append([]string{"tend"}, args...)...)
	cmd.Args[0] = "supervised"
	out, _ := cmd.Output()
	if strings.Contains(string(out), "\r") || !strings.Contains(string(out), "exec.slow: took 1.") {
		t.Errorf("on a pipe:\n%q", out)
	}
}
