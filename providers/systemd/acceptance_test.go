package systemd

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/testfixtures/container"
)

// mxNode converges the mail stack's services and accounts; the services
// need their packages (already installed here), and postfix_conf stands for
// postfix's configuration, whose change notifies postfix.
const mxNode = `node "mx" {
  resource "package" "postfix" {
    name = "postfix"
  }
  resource "package" "opendkim" {
    name = "opendkim"
  }
  resource "group" "opendkim" {
    name = "opendkim"
  }
  resource "user" "postfix" {
    name   = "postfix"
    groups = ["opendkim"]
  }
  resource "file" "postfix_conf" {
    path    = "/etc/postfix/tend-marker.cf"
    content = "generation = %s\n"
    notify  = [service.postfix]
  }
  resource "service" "postfix" {
    name   = "postfix"
    ensure = "running"
    enable = true
  }
  resource "service" "opendkim" {
    name   = "opendkim.service"
    ensure = "running"
    enable = true
  }
}
`

// brokenNode has a unit that cannot start, a resource that depends on it
// and one that does not.
const brokenNode = `node "broken" {
  resource "file" "unit" {
    path    = "/etc/systemd/system/tend-broken.service"
    content = "[Service]\nExecStart=/nonexistent/tend-broken\n"
  }
  resource "service" "broken" {
    name   = "tend-broken"
    ensure = "running"
  }
  resource "file" "after" {
    path       = "/etc/tend-after-broken"
    content    = "after\n"
    depends_on = [service.broken]
  }
  resource "file" "independent" {
    path    = "/etc/tend-independent"
    content = "independent\n"
  }
}
`

// mailStack is a booted container with postfix and opendkim installed,
// stopped and disabled, and tend in /usr/local/bin.
type mailStack struct {
	*container.Container
	t *testing.T
}

func newMailStack(t *testing.T) *mailStack {
	c := container.New(t, container.Options{Packages: []string{"postfix", "opendkim"}})
	tend := buildStatic(t, "tend", "build", "github.com/tendhq/tend/agent/cmd/tend")
	c.Boot(t)
	c.Run(t, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "postfix", "opendkim")
	c.Run(t, "systemctl", "disable", "--now", "postfix", "opendkim")
	c.CopyIn(t, tend, "/usr/local/bin/tend")
	return &mailStack{c, t}
}

func (m *mailStack) writeRepo(node, content string) {
	m.t.Helper()
	writeFile(m.t, filepath.Join(m.Root(), "srv/repo/nodes", node+".hcl"), content)
}

// apply runs tend apply inside and returns its exit code and output.
func (m *mailStack) apply(node string) (int, string) {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(m.t.Context(), 3*time.Minute)
	defer cancel()
	out, stderr, err := m.Exec(ctx, "tend", "apply", "--node", node, "--repo", "/srv/repo", "--state-dir", "/var/lib/tend")
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		m.t.Fatal(err)
	}
	m.t.Logf("tend apply --node %s:\n%s%s", node, out, stderr)
	if ee != nil {
		return ee.ExitCode(), out
	}
	return 0, out
}

func (m *mailStack) state(verb, unit string) string {
	out, _, _ := m.Exec(m.t.Context(), "systemctl", verb, unit)
	return strings.TrimSpace(out)
}

// masterPID is postfix's master process: postfix@-.service is forking
// without a PID file, so systemd does not know it.
func (m *mailStack) masterPID() string {
	b, err := os.ReadFile(filepath.Join(m.Root(), "var/spool/postfix/pid/master.pid"))
	if err != nil {
		m.t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestMailStackAcceptance drives the real CLI against postfix and opendkim
// in a booted Debian 11.
func TestMailStackAcceptance(t *testing.T) {
	if os.Getenv(insideEnv) != "" {
		t.Skip("already inside")
	}
	m := newMailStack(t)
	m.writeRepo("mx", strings.Replace(mxNode, "%s", "1", 1))
	code, out := m.apply("mx")
	if code != 2 || !strings.Contains(out, "Apply: 4 changed, 0 failed") {
		t.Fatalf("first run: exit %d", code)
	}
	for _, u := range []string{"postfix", "opendkim"} {
		if m.state("is-active", u) != "active" || m.state("is-enabled", u) != "enabled" {
			t.Fatalf("%s is %s, %s", u, m.state("is-active", u), m.state("is-enabled", u))
		}
	}
	if id := m.Run(t, "id", "-nG", "postfix"); !strings.Contains(id, "opendkim") {
		t.Fatalf("postfix is in %q", id)
	}
	m.checkReload()

	// A stopped service is started by the next run; then nothing changes.
	m.Run(t, "systemctl", "stop", "opendkim")
	if code, _ := m.apply("mx"); code != 2 || m.state("is-active", "opendkim") != "active" {
		t.Fatalf("after stop: exit %d, opendkim %s", code, m.state("is-active", "opendkim"))
	}
	if code, out := m.apply("mx"); code != 0 || !strings.Contains(out, "Apply: 0 changed, 0 failed, 0 skipped") {
		t.Fatalf("second run: exit %d", code)
	}
	m.checkBroken()
}

// checkReload changes postfix's configuration: the refresh reloads postfix
// and its master process stays.
func (m *mailStack) checkReload() {
	t := m.t
	master := m.masterPID()
	reloads := strings.Count(m.Journal(t, "postfix@-.service"), "Reloaded Postfix")
	m.writeRepo("mx", strings.Replace(mxNode, "%s", "2", 1))
	code, out := m.apply("mx")
	if code != 2 || !strings.Contains(out, "service.postfix: refreshed (notified by file.postfix_conf)") {
		t.Fatalf("refresh run: exit %d", code)
	}
	waitFor(t, "postfix to reload", func() bool {
		return strings.Count(m.Journal(t, "postfix@-.service"), "Reloaded Postfix") > reloads
	})
	if now := m.masterPID(); now != master || master == "" {
		t.Fatalf("postfix master PID %s, was %s", now, master)
	}
}

// checkBroken applies a unit that cannot start: it fails with its log
// lines, its dependent is skipped, an independent resource converges.
func (m *mailStack) checkBroken() {
	t := m.t
	m.writeRepo("broken", brokenNode)
	code, out := m.apply("broken")
	for _, want := range []string{
		"service.broken: FAILED: apply: start tend-broken.service: the service exited right after starting",
		"its last log lines:", "/nonexistent/tend-broken",
		"file.after: skipped: depends on service.broken, which did not converge",
		"Apply: 2 changed, 1 failed, 1 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("broken run does not say %q", want)
		}
	}
	if code != 6 {
		t.Errorf("broken run exited %d, want 6", code)
	}
	if _, err := os.Stat(filepath.Join(m.Root(), "etc/tend-independent")); err != nil {
		t.Error("the independent file was not written")
	}
	if _, err := os.Stat(filepath.Join(m.Root(), "etc/tend-after-broken")); err == nil {
		t.Error("the dependent file was written")
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
