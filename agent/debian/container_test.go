package debian

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/testfixtures/container"
)

// TestPackageInContainer installs the built package with dpkg -i on a
// booted Debian 11 and Debian 12, checks what it put where, that the units
// pass systemd-analyze and the timer is enabled but not started, that an
// administrator's disable survives an upgrade, and that removal and purge
// clean up.
func TestPackageInContainer(t *testing.T) {
	if testing.Short() {
		t.Skip("containers are not booted in -short mode")
	}
	deb, err := Build(context.Background(), Package{Binary: container.Build(t, "github.com/tendhq/tend/agent/cmd/tend"), Version: "0.1-1", Date: time.Unix(1772359200, 0)}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, release := range []string{"bullseye", "bookworm"} {
		t.Run(release, func(t *testing.T) {
			t.Parallel() // mostly waits on dpkg and apt: side by side they take 13 s less on 2 cores
			checkPackage(t, release, deb)
		})
	}
}

// checkPackage runs TestPackageInContainer's checks on one release.
func checkPackage(t *testing.T, release, deb string) {
	c := container.New(t, container.Options{Release: release, Packages: []string{"git", "gnupg", "openssh-client"}})
	c.CopyIn(t, deb, "/root/tend.deb")
	c.Boot(t)
	if got := c.Sh(". /etc/os-release; echo $VERSION_CODENAME"); got != release {
		t.Fatalf("the container runs %q, want %s", got, release)
	}
	c.Run(t, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "git", "gnupg", "openssh-client")
	c.Run(t, "dpkg", "-i", "/root/tend.deb")

	want := map[string]string{
		"/usr/bin/tend": "755 root root", "/var/lib/tend": "700 root root", "/etc/tend/agent.hcl": "644 root root",
		"/lib/systemd/system/tend.service": "644 root root", "/lib/systemd/system/tend.timer": "644 root root",
		"/usr/share/man/man8/tend.8.gz":             "644 root root",
		"/usr/share/tend/prometheus/tend.rules.yml": "644 root root", "/usr/share/tend/prometheus/tend.rules.test.yml": "644 root root",
		"/usr/share/tend/grafana/tend-fleet.json": "644 root root",
		"/usr/share/tend/schema/plan.schema.json": "644 root root", "/usr/share/tend/schema/report.schema.json": "644 root root",
	}
	for path, w := range want {
		if got := c.Sh("stat -c '%a %U %G' " + path); got != w {
			t.Errorf("%s: %q, want %q", path, got, w)
		}
	}
	if got := c.Sh("dpkg-query -W -f='${Conffiles}' tend"); !strings.Contains(got, "/etc/tend/agent.hcl ") {
		t.Errorf("conffiles: %q", got)
	}
	if got := c.Sh("systemd-analyze verify --man=no /lib/systemd/system/tend.service /lib/systemd/system/tend.timer 2>&1; echo rc=$?"); got != "rc=0" {
		t.Errorf("systemd-analyze verify:\n%s", got)
	}
	if got := c.Sh("systemctl is-enabled tend.timer; systemctl is-active tend.timer"); got != "enabled\ninactive" {
		t.Errorf("timer after install: %q, want enabled and not started", got)
	}
	if got := c.Sh("tend check; echo rc=$?"); !strings.HasPrefix(got, "TEND UNKNOWN - ") || !strings.HasSuffix(got, "rc=3") {
		t.Errorf("tend check before any run: %q", got)
	}
	if got := c.Sh("man -P cat tend 2>/dev/null | grep -c 'tend disable' || zcat /usr/share/man/man8/tend.8.gz | grep -c '^.SS tend disable'"); got == "0" || got == "" {
		t.Errorf("manual page lacks tend disable: %q", got)
	}

	// an administrator's disable survives reinstalling (an upgrade)
	c.Run(t, "systemctl", "disable", "tend.timer")
	c.Run(t, "dpkg", "-i", "/root/tend.deb")
	if got := c.Sh("systemctl is-enabled tend.timer"); got != "disabled" {
		t.Errorf("timer after upgrade of a disabled one: %q", got)
	}
	c.Run(t, "systemctl", "enable", "--now", "tend.timer")

	c.Run(t, "tend", "disable", "--reason", "state to keep")
	c.Run(t, "dpkg", "-r", "tend")
	if got := c.Sh("test -e /usr/bin/tend && echo present; systemctl is-active tend.timer; find /etc/systemd -name 'tend.*'"); got != "inactive" {
		t.Errorf("after dpkg -r: %q, want no binary, inactive timer and no links", got)
	}
	if got := c.Sh("ls /etc/tend/agent.hcl /var/lib/tend/disabled.json"); got != "/etc/tend/agent.hcl\n/var/lib/tend/disabled.json" {
		t.Errorf("dpkg -r removed configuration or state: %q", got)
	}
	c.Run(t, "dpkg", "-P", "tend")
	if got := c.Sh("ls -d /etc/tend /var/lib/tend /var/lib/systemd/deb-systemd-helper-enabled/*tend* 2>/dev/null; dpkg -s tend 2>&1 | head -1"); !strings.Contains(got, "not installed") || strings.Contains(got, "/") {
		t.Errorf("after purge: %q", got)
	}
}
