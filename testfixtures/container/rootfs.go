package container

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// hostname is every container's host name; /etc/hosts resolves it.
const hostname = "tend-test"

// maskedUnits are units of a stock minbase system that have no business in
// a test container, masked so that they never run.
var maskedUnits = map[string]string{
	// Both would take the dpkg lock in the middle of a test and try the
	// network, which the container does not have.
	"apt-daily.timer":         "downloads package lists",
	"apt-daily-upgrade.timer": "runs unattended upgrades",
	// No block devices, no LVM, no pstore in a container.
	"e2scrub_all.timer":      "scrubs ext4 LVM volumes",
	"e2scrub_reap.service":   "cleans e2scrub snapshots at boot",
	"fstrim.timer":           "trims block devices",
	"systemd-pstore.service": "archives kernel crash records",
	// Nobody logs in: the console is only captured for diagnostics, and
	// there is no virtual terminal.
	"console-getty.service": "login prompt on the console",
	"getty@tty1.service":    "login prompt on tty1",
}

// files are written into the root file system, replacing what is there.
var files = map[string]string{
	"etc/hostname": hostname + "\n",
	// postfix's postinst and `hostname --fqdn` resolve the host name;
	// without DNS only /etc/hosts can.
	"etc/hosts": "127.0.0.1\tlocalhost\n127.0.1.1\t" + hostname + "\n" +
		"::1\t\tlocalhost ip6-localhost ip6-loopback\n" +
		"ff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n",
	// No name server: the container has only loopback, and a lookup fails
	// at once instead of waiting for a server that cannot be reached.
	"etc/resolv.conf": "# tend test container: loopback only, no name server\n",
	// The .debs New puts into /var/cache/apt/archives are all apt gets:
	// keep them after installing. apt cannot fetch anything (no network,
	// no name server), so an install that needs a .deb missing from
	// Options.Packages fails at once, naming it; APT::Get::Download
	// "false" would fail as fast without saying which.
	// Without translations and the source package cache, which nothing
	// here uses, and with the package lists kept compressed, the root file
	// system (and so each copy New makes) is 100 MB smaller.
	"etc/apt/apt.conf.d/99tend-test": "APT::Keep-Downloaded-Packages \"true\";\n" +
		"Binary::apt::APT::Keep-Downloaded-Packages \"true\";\n" +
		"Acquire::Retries \"0\";\n" +
		"Acquire::Languages \"none\";\n" +
		"Acquire::GzipIndexes \"true\";\n" +
		"Dir::Cache::srcpkgcache \"\";\n",
	// The container is thrown away after the test: fsync after every file
	// dpkg unpacks only makes installs slower.
	"etc/dpkg/dpkg.cfg.d/tend-test": "force-unsafe-io\n",
	// Bounds how long a service may take to stop, and so the shutdown in
	// t.Cleanup (systemd's default is 90 s per unit).
	"etc/systemd/system.conf.d/tend-test.conf": "[Manager]\nDefaultTimeoutStopSec=10s\n",
}

// preseeds are debconf answers every container starts with. man-db's
// postinst otherwise builds the index of every manual page on the host
// (mandb -c), which took half of a mail host's package installation;
// man finds pages without it, only apropos and whatis need it.
const preseeds = "man-db man-db/auto-update boolean false\n"

// preseed gives the root file system's debconf database the preseeds.
func preseed(ctx context.Context, root string) error {
	cmd := exec.CommandContext(ctx, "chroot", root, "debconf-set-selections")
	cmd.Stdin = strings.NewReader(preseeds)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("debconf-set-selections in %s: %w: %s", root, err, out)
	}
	return nil
}

// tweakRootfs turns a fresh debootstrap into the cached test root file
// system, before `apt-get update` (which cache.aptGetOnline gives the
// host's name server).
func tweakRootfs(root string) error {
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	for unit := range maskedUnits {
		if err := mask(root, unit); err != nil {
			return err
		}
	}
	// Services must start when packages are installed; a policy-rc.d that
	// says 101 (as some image builders leave) would prevent it.
	if err := os.Remove(filepath.Join(root, "usr/sbin/policy-rc.d")); err != nil && !os.IsNotExist(err) {
		return err
	}
	// debootstrap leaves the base system's .debs behind; every container
	// copy would carry them for nothing.
	debs, _ := filepath.Glob(filepath.Join(root, "var/cache/apt/archives/*.deb"))
	// Its uncompressed package lists too: apt-get update fetches them
	// again, compressed.
	lists, _ := filepath.Glob(filepath.Join(root, "var/lib/apt/lists/*_Packages"))
	for _, f := range append(debs, lists...) {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return nil
}

// mask links unit to /dev/null in /etc/systemd/system and drops any
// enablement link of it, as `systemctl mask` and `disable` would.
func mask(root, unit string) error {
	system := filepath.Join(root, "etc/systemd/system")
	wants, _ := filepath.Glob(filepath.Join(system, "*.wants", unit))
	for _, link := range wants {
		if err := os.Remove(link); err != nil {
			return err
		}
	}
	path := filepath.Join(system, unit)
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Symlink("/dev/null", path); err != nil {
		return fmt.Errorf("masking %s: %w", unit, err)
	}
	return nil
}

// setMachineID gives a new container its own machine ID, so that two
// containers never share one (journald and D-Bus key on it).
func setMachineID(root string) error {
	id, err := randomHex(16)
	if err != nil {
		return err
	}
	for _, name := range []string{"etc/machine-id", "var/lib/dbus/machine-id"} {
		path := filepath.Join(root, name)
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return err
		}
		if err := os.WriteFile(path, []byte(id+"\n"), 0o444); err != nil {
			return err
		}
	}
	return nil
}
