package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/container"
)

// TestEmailoutOfflineInLXC prepares a stopped LXC container from this
// machine, as an admin would before its first boot: tend apply --root on
// its root file system installs the relay's packages (chrooted), writes
// its configuration and enables its services. The container then boots
// with Postfix and opendkim running, and tend's first run inside it, with
// the state the offline run left, changes nothing.
func TestEmailoutOfflineInLXC(t *testing.T) {
	t.Parallel()
	c := container.New(t, container.Options{Packages: nodePackages(t, "emailout"), Engine: container.LXC})
	c.CopyIn(t, tendBinary(t), "/usr/local/bin/tend")
	identity, recipient := newIdentity(t)
	c.CopyIn(t, identity, "/etc/tend/age-identity.txt")
	repo := exampleClone(t, emailoutKeys(t, recipient))
	inside := filepath.Join(c.Root(), "srv/repo")
	if out, err := exec.Command("git", "clone", "-q", "--no-hardlinks", repo, inside).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}

	offline := exec.Command(tendBinary(t), "apply", "--repo", inside, "--node", "emailout", "--identity", identity,
		"--root", c.Root(), "--state-dir", filepath.Join(c.Root(), "var/lib/tend"))
	out, err := offline.CombinedOutput()
	if code := offline.ProcessState.ExitCode(); code != 2 {
		t.Fatalf("tend apply --root %s exited %d (%v), want 2:\n%s", c.Root(), code, err, out)
	}
	// Nothing runs in the root yet: health checks must not probe this
	// machine's ports instead.
	if !strings.Contains(string(out), "health checks not run: nothing was refreshed live") {
		t.Errorf("the offline run did not skip the health checks:\n%s", out)
	}

	c.Boot(t)
	h := &host{t: t, c: c}
	for _, unit := range []string{"postfix@-", "opendkim"} {
		if got := h.sh("systemctl is-active " + unit); got != "active" {
			t.Errorf("%s is %s after the first boot:\n%s", unit, got, c.Journal(t, unit))
		}
	}
	if got := h.sh("postconf -h myhostname"); got != "emailout.intra.cacert.org" {
		t.Errorf("main.cf after the first boot: myhostname = %q", got)
	}
	if out := h.apply("emailout", 0); !strings.Contains(out, "Apply: 0 changed, 0 failed, 0 skipped") {
		t.Errorf("the first run inside changed something:\n%s", out)
	}
}
