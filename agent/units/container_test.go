package units_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/testfixtures/container"
)

// signedRepo makes, on this machine (git 2.34 or later signs with SSH
// keys; bullseye's git cannot), a bare node repository with one commit
// signed by a fresh SSH key, and the allowed-signers file for it.
func signedRepo(t *testing.T, dir string) (bare, signers string) {
	t.Helper()
	run := func(wd string, args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Ops", "GIT_AUTHOR_EMAIL=ops@tend.test", "GIT_COMMITTER_NAME=Ops", "GIT_COMMITTER_EMAIL=ops@tend.test")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	key := filepath.Join(dir, "id_ops")
	run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key)
	pub, _ := os.ReadFile(key + ".pub")
	signers = filepath.Join(dir, "signers")
	work, bare := filepath.Join(dir, "work"), filepath.Join(dir, "nodes.git")
	must(t, os.WriteFile(signers, []byte("ops@tend.test "+string(pub)), 0o644))
	must(t, os.MkdirAll(filepath.Join(work, "nodes"), 0o755))
	must(t, os.WriteFile(filepath.Join(work, "nodes/web.hcl"), []byte(webNode), 0o644))
	run(dir, "git", "init", "-q", "--bare", bare)
	run(work, "git", "init", "-q", "-b", "main")
	run(work, "git", "add", ".")
	run(work, "git", "-c", "gpg.format=ssh", "-c", "user.signingkey="+key, "commit", "-q", "-S", "-m", "motd")
	run(work, "git", "push", "-q", bare, "main")
	return bare, signers
}

const webNode = `node "web" {
  resource "file" "motd" {
    path    = "/srv/motd"
    content = "converged by tend\n"
  }
}
`

const agentSettings = `source  = "/srv/nodes.git"
signers = "/etc/tend/signers"
node    = "web"
`

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitFor polls a shell command until its output contains want.
func waitFor(t *testing.T, c *container.Container, cmd, want string) string {
	t.Helper()
	var got string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if got = c.Sh(cmd); strings.Contains(got, want) {
			return got
		}
	}
	t.Fatalf("%s: %q, want it to contain %q", cmd, got, want)
	return ""
}

// TestScheduleInContainer installs the agent as a Type=notify daemon and
// then as a timer in a booted Debian 11 and checks what systemd makes of
// them: readiness and status lines, a clean stop, the timer listed and
// enabled, a one-shot run through tend.service, the run's journal
// fields, and that the runs of both tell the metrics their interval.
func TestScheduleInContainer(t *testing.T) {
	c := container.New(t, container.Options{Packages: []string{"git", "gnupg", "openssh-client"}})
	bare, signers := signedRepo(t, t.TempDir())
	if out, err := exec.Command("cp", "-a", bare, filepath.Join(c.Root(), "srv/nodes.git")).CombinedOutput(); err != nil {
		t.Fatalf("copy repository: %v %s", err, out)
	}
	c.CopyIn(t, signers, "/etc/tend/signers")
	must(t, os.WriteFile(filepath.Join(c.Root(), "etc/tend/agent.hcl"), []byte(agentSettings), 0o644))
	must(t, os.MkdirAll(filepath.Join(c.Root(), "var/lib/prometheus/node-exporter"), 0o755))
	c.CopyIn(t, container.Build(t, "github.com/tendhq/tend/agent/cmd/tend"), "/usr/local/bin/tend")
	c.Boot(t)
	c.Run(t, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "git", "gnupg", "openssh-client")

	// the daemon: started by install, ready, runs, says so, stops cleanly
	c.Run(t, "/usr/local/bin/tend", "agent", "install", "--daemon", "--interval", "1h", "--splay", "0s")
	if got := c.Sh("systemctl is-enabled tend.service; systemctl is-active tend.service; systemctl show -p Type --value tend.service"); got != "enabled\nactive\nnotify" {
		t.Fatalf("daemon after install: %q\n%s", got, c.Journal(t, "tend.service"))
	}
	waitFor(t, c, "systemctl show -p StatusText --value tend.service", "run 1 exited 2 after")
	if got := c.Sh("cat /srv/motd"); got != "converged by tend" {
		t.Fatalf("the daemon's run did not converge: %q", got)
	}
	if got := c.Sh("grep ^tend_agent_interval_seconds /var/lib/prometheus/node-exporter/tend.prom"); got != "tend_agent_interval_seconds 3600" {
		t.Fatalf("the daemon's metrics: %q", got)
	}
	c.Run(t, "systemctl", "stop", "tend.service")
	if got := c.Sh("systemctl show -p Result --value tend.service; systemctl is-active tend.service"); got != "success\ninactive" {
		t.Fatalf("daemon after stop: %q\n%s", got, c.Journal(t, "tend.service"))
	}

	// the timer replaces the daemon
	c.Run(t, "/usr/local/bin/tend", "agent", "install", "--interval", "10m", "--splay", "1m")
	if got := c.Sh("systemctl is-enabled tend.timer; systemctl is-active tend.timer; systemctl is-enabled tend.service"); got != "enabled\nactive\nstatic" {
		t.Fatalf("timer after install: %q", got)
	}
	if got := c.Sh("systemctl list-timers --all --no-pager tend.timer"); !strings.Contains(got, "tend.timer") || !strings.Contains(got, "tend.service") {
		t.Fatalf("list-timers:\n%s", got)
	}
	if got := c.Sh("systemctl show -p TimersMonotonic -p RandomizedDelayUSec --value tend.timer"); !strings.Contains(got, "OnUnitActiveUSec=10min") || !strings.Contains(got, "1min") {
		t.Fatalf("timer properties: %q", got)
	}
	if got := c.Sh("systemd-analyze verify --man=no /etc/systemd/system/tend.service /etc/systemd/system/tend.timer 2>&1; echo rc=$?"); got != "rc=0" {
		t.Fatalf("systemd-analyze verify:\n%s", got)
	}
	c.Run(t, "systemctl", "start", "tend.service") // waits: Type=oneshot
	if got := c.Sh("systemctl show -p Result -p ExecMainStatus --value tend.service"); got != "success\n0" {
		t.Fatalf("one-shot run: %q\n%s", got, c.Journal(t, "tend.service"))
	}
	if got := c.Sh("grep ^tend_agent_interval_seconds /var/lib/prometheus/node-exporter/tend.prom"); got != "tend_agent_interval_seconds 600" {
		t.Fatalf("the timer's run's metrics: %q", got)
	}
	c.Run(t, "journalctl", "--sync")
	if got := c.Sh("journalctl -o json --no-pager TEND_NODE=web MESSAGE='run finished' | wc -l"); got != "2" {
		t.Fatalf("want the daemon's and the timer's runs in the journal, got %s entries:\n%s", got, c.Sh("journalctl -o verbose --no-pager TEND_NODE=web"))
	}
}
