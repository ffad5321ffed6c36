package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tendhq/tend/testfixtures/container"
)

// fleetHost is one booted Debian 11 of the fleet, its host name name:
// tend in /usr/local/bin, set up by /etc/tend/agent.hcl, the same on
// every host, to follow the shared bare repository, seen read-only at
// /srv/git/nodes.git, as the node of its host name, and to preview the
// branches named preview/* after each run.
type fleetHost struct {
	name string
	c    *container.Container
}

// agentSettings is every host's /etc/tend/agent.hcl.
const agentSettings = `source       = "/srv/git/nodes.git"
signers      = "/etc/tend/signers"
preview_refs = ["preview/*"]
`

// metricsDir is where the agent writes its textfiles, inside a host.
const metricsDir = "/var/lib/prometheus/node-exporter"

// newFleet makes one container per name at once, not yet booted, set up
// to follow r's bare repository; tend is to be copied in.
func newFleet(t *testing.T, r *repo, names ...string) []*fleetHost {
	hosts := make([]*fleetHost, len(names))
	atOnce(t, len(names), func(i int) {
		c := container.New(t, container.Options{
			Packages: []string{"git", "gnupg", "openssh-client"}, // a set the cache has (make container-cache)
			ReadOnly: []container.Bind{{Host: r.Bare, Path: "/srv/git/nodes.git"}},
		})
		h := &fleetHost{name: names[i], c: c}
		h.write(t, "/etc/tend/signers", r.Signers())
		h.write(t, "/etc/hostname", h.name+"\n")
		h.write(t, "/etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t"+h.name+"\n")
		h.write(t, "/etc/tend/agent.hcl", agentSettings)
		h.write(t, metricsDir+"/.keep", "")
		hosts[i] = h
	})
	return hosts
}

// boot boots every host at once; each has git and ssh-keygen installed
// when boot returns (the agent fetches with one and verifies the SSH
// signatures with the other; gpg is needed for OpenPGP keys only).
func boot(t *testing.T, hosts []*fleetHost) {
	atOnce(t, len(hosts), func(i int) {
		h := hosts[i]
		start := time.Now()
		h.c.Boot(t)
		booted := time.Since(start)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		if _, stderr, err := h.c.Exec(ctx, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "--no-install-recommends", "git", "openssh-client"); err != nil {
			t.Errorf("%s: installing git and openssh-client: %v\n%s", h.name, err, stderr)
			return
		}
		t.Logf("%s: booted in %s, git installed in %s", h.name, booted.Round(time.Millisecond), (time.Since(start) - booted).Round(time.Millisecond))
	})
}

// atOnce runs f(0) to f(n-1), each in a goroutine of its own, and waits
// for them. The container harness fails or skips t from New and Boot,
// which ends only that goroutine: atOnce then ends the test.
func atOnce(t *testing.T, n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
	switch {
	case t.Failed():
		t.FailNow()
	case t.Skipped():
		t.SkipNow()
	}
}

// write writes a file of the host's root file system from this machine.
func (h *fleetHost) write(t *testing.T, name, text string) {
	t.Helper()
	p := filepath.Join(h.c.Root(), name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// textfiles is the directory of the agent's metrics, as this machine sees
// it: the node exporter of the host reads it.
func (h *fleetHost) textfiles() string { return filepath.Join(h.c.Root(), metricsDir) }

// result is what one command inside a host did.
type result struct {
	Code int
	Out  string
	Took time.Duration
	Err  error // the command could not run at all
}

// run runs a command inside the host.
func (h *fleetHost) run(ctx context.Context, argv ...string) result {
	start := time.Now()
	stdout, stderr, err := h.c.Exec(ctx, argv...)
	r := result{Out: stdout + stderr, Took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.Code = exit.ExitCode()
	case err != nil:
		r.Err = err
	}
	return r
}

// step runs argv on every host at once, as the fleet's timers would
// within a minute, and fails the test unless each exits with the code
// want gives for it.
func step(t *testing.T, hosts []*fleetHost, argv []string, want map[string]int) map[string]result {
	t.Helper()
	results := make([]result, len(hosts))
	atOnce(t, len(hosts), func(i int) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		results[i] = hosts[i].run(ctx, argv...)
	})
	what := strings.Join(argv, " ")
	byHost := map[string]result{}
	var took []string
	for i, h := range hosts {
		r := results[i]
		byHost[h.name] = r
		took = append(took, fmt.Sprintf("%s exit %d in %s", h.name, r.Code, r.Took.Round(time.Millisecond)))
		if r.Err != nil || r.Code != want[h.name] {
			t.Errorf("%s on %s: exit %d (%v), want %d:\n%s", what, h.name, r.Code, r.Err, want[h.name], r.Out)
		}
	}
	t.Logf("%s: %s", what, strings.Join(took, ", "))
	if t.Failed() {
		t.FailNow()
	}
	return byHost
}

// agent is tend agent with the settings file, as tend.service runs it.
// The test starts it directly rather than through the unit: what it
// proves starts at the metrics a run writes, the same either way, and
// TestAgentTimerEndToEnd (agent/e2e) covers the unit; a direct run
// needs no .deb built and installed, and says its exit code and output
// without a journal to read.
var agent = []string{"tend", "agent"}
