package container

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestLifecycle boots a container, checks that it is a working, isolated
// systemd system that installs packages offline, and that stopping it
// leaves neither a process nor a file behind.
func TestLifecycle(t *testing.T) {
	skipShort(t)
	for _, e := range []Engine{Nspawn, LXC} {
		t.Run(string(e), func(t *testing.T) { lifecycle(t, e) })
	}
}

func lifecycle(t *testing.T, engine Engine) {
	var dir string
	var initPID int
	var initStart string
	t.Run("booted", func(t *testing.T) {
		start := time.Now()
		c := New(t, Options{Packages: []string{"hello"}, Engine: engine})
		c.Boot(t)
		t.Logf("New+Boot: %s", time.Since(start).Round(time.Millisecond))
		// LXC names the cgroup it makes lxc.payload.NAME; nspawn's is ours.
		want := map[Engine]string{Nspawn: "/" + c.name + "/payload/", LXC: "/lxc.payload." + c.name}[engine]
		if got := hostCgroup(t, c.PID(), "name=systemd"); !strings.Contains(got, want) {
			t.Errorf("the container's systemd runs in cgroup %s, not in %s...: not booted by %s?", got, want, engine)
		}
		dir, initPID = c.dir, c.PID()
		initStart = startTime(initPID)
		if leftovers := processesIn(dir); len(leftovers) == 0 {
			t.Fatal("processesIn found nothing in a running container: the leftover check below is blind")
		}

		state, _, _ := c.Exec(t.Context(), "systemctl", "is-system-running")
		if s := strings.TrimSpace(state); s != "running" && s != "degraded" {
			t.Errorf("systemctl is-system-running = %q, want running or degraded", s)
		}
		if got := c.Run(t, "ls", "/sys/class/net"); !slices.Equal(strings.Fields(got), []string{"lo"}) {
			t.Errorf("network interfaces: %q, want only lo", got)
		}
		if got := c.Run(t, "hostname"); strings.TrimSpace(got) != hostname {
			t.Errorf("hostname = %q, want %q", got, hostname)
		}
		// Services drop root: the file system must be usable by others.
		if got, _, err := c.Exec(t.Context(), "su", "nobody", "-s", "/bin/sh", "-c", "cat /etc/hostname"); err != nil || strings.TrimSpace(got) != hostname {
			t.Errorf("a user other than root reads /etc/hostname as %q: %v", got, err)
		}

		if _, _, err := c.Exec(t.Context(), "dpkg", "-s", "hello"); err == nil {
			t.Fatal("hello is installed before the test installs it")
		}
		c.Run(t, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "hello")
		if got := c.Run(t, "hello"); strings.TrimSpace(got) != "Hello, world!" {
			t.Errorf("hello printed %q", got)
		}
	})
	if dir == "" {
		t.Fatal("the container did not boot")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("container directory %s still there after the test: %v", dir, err)
	}
	if left := processesIn(dir); len(left) > 0 {
		t.Errorf("processes left from the container: %v", left)
	}
	if startTime(initPID) == initStart {
		t.Errorf("the container's systemd (pid %d) still runs", initPID)
	}
	if _, err := os.Stat(filepath.Join("/run/systemd/nspawn/propagate", filepath.Base(dir))); !os.IsNotExist(err) {
		t.Errorf("nspawn's propagate directory left behind: %v", err)
	}
}

// TestNoDownloadInside checks that apt inside the container never reaches
// for the network: a package that is not in Options.Packages fails to
// install at once, though apt knows it.
func TestNoDownloadInside(t *testing.T) {
	c := New(t, Options{})
	c.Boot(t)
	c.Run(t, "apt-cache", "show", "hello") // the lists are there
	start := time.Now()
	_, stderr, err := c.Exec(t.Context(), "env", "DEBIAN_FRONTEND=noninteractive",
		"apt-get", "install", "-y", "-q", "hello")
	if err == nil {
		t.Fatal("installing a package that was not downloaded worked")
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the failing install took %s", took)
	}
	if !strings.Contains(stderr, "/hello_") {
		t.Errorf("the error does not name the missing package:\n%s", stderr)
	}
}

// TestMailStack is what the end-to-end tests rely on: postfix and opendkim
// install offline, start, and systemd answers about them on D-Bus.
func TestMailStack(t *testing.T) {
	if testing.Short() {
		t.Skip("installs postfix and opendkim (about 15 s)")
	}
	c := New(t, Options{Packages: []string{"postfix", "postfix-pcre", "opendkim", "opendkim-tools"}})
	c.Boot(t)
	start := time.Now()
	c.Run(t, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q",
		"postfix", "postfix-pcre", "opendkim", "opendkim-tools")
	t.Logf("installed postfix and opendkim in %s", time.Since(start).Round(time.Millisecond))
	for _, unit := range []string{"postfix.service", "opendkim.service"} {
		out, _, err := c.Exec(t.Context(), "busctl", "get-property", "org.freedesktop.systemd1",
			"/org/freedesktop/systemd1/unit/"+busPath(unit), "org.freedesktop.systemd1.Unit", "ActiveState")
		if err != nil || strings.TrimSpace(out) != `s "active"` {
			t.Errorf("%s ActiveState over D-Bus: %q, %v\n%s", unit, out, err, c.Journal(t, unit))
		}
	}
	if got := c.Run(t, "postconf", "-h", "mail_version"); !strings.HasPrefix(got, "3.5.") {
		t.Errorf("postfix mail_version = %q, want 3.5.x (Debian 11)", got)
	}
	c.Run(t, "opendkim-genkey", "--directory=/tmp", "--selector=test", "--domain=example.test")
}

// busPath escapes a unit name for a systemd D-Bus object path.
func busPath(unit string) string {
	var b strings.Builder
	for _, r := range []byte(unit) {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteByte(r)
		} else {
			b.WriteString("_" + strconv.FormatInt(int64(r), 16))
		}
	}
	return b.String()
}

func TestCopyIn(t *testing.T) {
	c := New(t, Options{})
	script := filepath.Join(t.TempDir(), "greet")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho copied in\n"), 0o750); err != nil {
		t.Fatal(err)
	}
	c.CopyIn(t, script, "/usr/local/lib/tend-test/greet") // before Boot; parents are created
	fi, err := os.Stat(filepath.Join(c.Root(), "usr/local/lib/tend-test/greet"))
	if err != nil || fi.Mode().Perm() != 0o750 {
		t.Fatalf("copied file: %v, %v; want mode 0750", fi, err)
	}

	// An absolute symlink in the root points into the container, not the
	// host: CopyIn must not write through it.
	host := t.TempDir()
	if err := os.Symlink(host, filepath.Join(c.Root(), "etc/escape")); err != nil {
		t.Fatal(err)
	}
	if err := c.copyIn(script, "/etc/escape/greet"); err == nil {
		t.Error("CopyIn wrote through an absolute symlink")
	}
	if entries, _ := os.ReadDir(host); len(entries) > 0 {
		t.Errorf("CopyIn wrote to the host: %v", entries)
	}
	if err := c.copyIn(script, "relative/greet"); err == nil {
		t.Error("CopyIn accepted a relative container path")
	}

	c.Boot(t)
	if got := c.Run(t, "/usr/local/lib/tend-test/greet"); got != "copied in\n" {
		t.Errorf("the copied script printed %q", got)
	}
	c.CopyIn(t, script, "/usr/local/bin/greet") // while running
	if got := c.Run(t, "greet"); got != "copied in\n" {
		t.Errorf("greet on PATH printed %q", got)
	}
}

// TestReadOnly checks that a directory of this machine bound into the
// container is seen there, cannot be written from inside, and outlives the
// container.
func TestReadOnly(t *testing.T) {
	host := t.TempDir()
	keep := filepath.Join(host, "keep")
	if err := os.WriteFile(keep, []byte("host data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // after the container's removal
		if got, err := os.ReadFile(keep); err != nil || string(got) != "host data\n" {
			t.Errorf("after the container's removal, the host's file reads %q, %v", got, err)
		}
	})
	c := New(t, Options{ReadOnly: []Bind{{Host: host, Path: "/srv/shared"}}})
	c.Boot(t)
	if got := c.Run(t, "cat", "/srv/shared/keep"); got != "host data\n" {
		t.Errorf("inside, the bound file reads %q", got)
	}
	if out := c.Sh("echo changed > /srv/shared/keep; touch /srv/shared/new; echo exit=$?"); !strings.Contains(out, "exit=1") || !strings.Contains(out, "/srv/shared/keep: Read-only file system") {
		t.Errorf("writing to the bound directory: %q, want it refused as read-only", out)
	}
	if entries, _ := os.ReadDir(host); len(entries) != 1 {
		t.Errorf("the host's directory holds %v", entries)
	}
}

// TestExecCancel checks that ending Exec's context kills the command
// inside, not only nsenter, and leaves nothing that slows the shutdown.
func TestExecCancel(t *testing.T) {
	skipShort(t)
	var stopping time.Time
	t.Run("cancelled", func(t *testing.T) {
		c := New(t, Options{})
		c.Boot(t)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		if _, _, err := c.Exec(ctx, "sh", "-c", "sleep 300 & sleep 301"); err == nil {
			t.Fatal("Exec of a command that outlives its context succeeded")
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("cancelled Exec returned after %s", took)
		}
		if orphans := containerOrphans(); len(orphans) > 0 {
			t.Errorf("container processes orphaned to the host's init: %v", orphans)
		}
		// minbase has no procps: read the command names from /proc.
		if comms := c.Run(t, "sh", "-c", "cat /proc/[0-9]*/comm"); slices.Contains(strings.Fields(comms), "sleep") {
			t.Errorf("sleep still runs in the container after cancel:\n%s", comms)
		}
		if env := c.Run(t, "env"); !strings.Contains(env, "LANG=C.UTF-8") || strings.Contains(env, "GOPATH") {
			t.Errorf("environment inside:\n%s", env)
		}
		stopping = time.Now()
	})
	if took := time.Since(stopping); took > slowStop {
		t.Errorf("stopping after a cancelled Exec took %s", took)
	}
}

// TestRemoveTreeKeepsMounts checks the guard that keeps a container's
// removal from deleting through a bind mount into the host.
func TestRemoveTreeKeepsMounts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("bind mounts need root")
	}
	host := t.TempDir()
	keep := filepath.Join(host, "keep")
	if err := os.WriteFile(keep, []byte("host data"), 0o644); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(t.TempDir(), "with space")
	mnt := filepath.Join(victim, "mnt")
	if err := os.MkdirAll(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(host, mnt, "", syscall.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
	if got := mountsUnder(victim); !slices.Equal(got, []string{mnt}) {
		t.Fatalf("mountsUnder(%q) = %q", victim, got)
	}
	if err := removeTree(victim); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("removing the tree deleted the host's file: %v", err)
	}
	if _, err := os.Stat(victim); !os.IsNotExist(err) {
		t.Errorf("tree still there: %v", err)
	}
}

// TestCacheLock checks that the cache lock excludes a second holder, as a
// second test binary would be.
func TestCacheLock(t *testing.T) {
	c := &cache{dir: t.TempDir()}
	unlock, err := c.lock()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		unlock2, err := c.lock()
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		order = append(order, "second")
		mu.Unlock()
		unlock2()
	}()
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	order = append(order, "first")
	mu.Unlock()
	unlock()
	<-done
	if !slices.Equal(order, []string{"first", "second"}) {
		t.Errorf("lock holders ran in order %v", order)
	}
}

func TestPackageSet(t *testing.T) {
	got, err := packageSet([]string{"postfix", "opendkim", "postfix", "hello=2.10-2"})
	if err != nil || !slices.Equal(got, []string{"hello=2.10-2", "opendkim", "postfix"}) {
		t.Errorf("packageSet = %q, %v", got, err)
	}
	for _, bad := range []string{"-oAPT::X=1", "Postfix", "a b", ""} {
		if _, err := packageSet([]string{bad}); err == nil {
			t.Errorf("packageSet accepted %q", bad)
		}
	}
}

// processesIn lists the processes whose root directory is in dir or whose
// command line names it (systemd-nspawn).
func processesIn(dir string) []int {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	var found []int
	for _, p := range procs {
		pid, _ := strconv.Atoi(filepath.Base(p))
		root, _ := os.Readlink(p + "/root")
		cmdline, _ := os.ReadFile(p + "/cmdline")
		if strings.HasPrefix(root, dir) || strings.Contains(string(cmdline), dir) {
			found = append(found, pid)
		}
	}
	return found
}

// TestStopWithExecRunning checks that a command still running in the
// container does not hold up its shutdown, and that its Exec returns.
func TestStopWithExecRunning(t *testing.T) {
	skipShort(t)
	done := make(chan error, 1)
	var stopping time.Time
	t.Run("running", func(t *testing.T) {
		c := New(t, Options{})
		c.Boot(t)
		go func() {
			_, _, err := c.Exec(context.Background(), "sh", "-c", "sleep 300")
			done <- err
		}()
		for !slices.Contains(strings.Fields(c.Run(t, "sh", "-c", "cat /proc/[0-9]*/comm")), "sleep") {
			time.Sleep(20 * time.Millisecond)
		}
		stopping = time.Now()
	})
	if took := time.Since(stopping); took > slowStop {
		t.Errorf("stopping with a command running took %s", took)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("the interrupted Exec reported success")
		}
	case <-time.After(10 * time.Second):
		t.Error("Exec still waits after the container stopped")
	}
}

// TestSweepStale checks that a container directory whose owner died is
// removed and that one still owned is not.
func TestSweepStale(t *testing.T) {
	live, lock, err := makeDir()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { lock.Close(); os.RemoveAll(live) }()
	dead, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dead)
	for _, f := range []string{"lock", "rootfs/etc/hostname"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dead, f)), 0o755)
		if err := os.WriteFile(filepath.Join(dead, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sweepStale(t.Logf)
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the directory of a dead owner is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(live, "lock")); err != nil {
		t.Errorf("the directory of a live owner was removed: %v", err)
	}
}

// containerOrphans lists the processes of nested PID namespaces whose
// parent is the host's init: what a killed nsenter leaves behind.
func containerOrphans() []string {
	statuses, _ := filepath.Glob("/proc/[0-9]*/status")
	var found []string
	for _, path := range statuses {
		data, _ := os.ReadFile(path)
		var ppid string
		var levels int
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "PPid:"); ok {
				ppid = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "NSpid:"); ok {
				levels = len(strings.Fields(v))
			}
		}
		if ppid == "1" && levels > 1 {
			found = append(found, path)
		}
	}
	return found
}

// skipShort skips tests that boot containers inside subtests and check
// the outcome afterwards, where New's own skip would end only the subtest.
func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("containers are not booted in -short mode")
	}
}

// TestCgroupPerContainer checks that two containers booted side by side run
// in cgroups of their own, which are removed when they stop: sharing one
// made a unit start in one container fail (219/CGROUP) when the other
// stopped the same unit.
func TestCgroupPerContainer(t *testing.T) {
	skipShort(t)
	var groups []string
	t.Run("booted", func(t *testing.T) {
		var wg sync.WaitGroup
		cs := []*Container{New(t, Options{}), New(t, Options{})}
		for _, c := range cs {
			wg.Add(1)
			go func() { defer wg.Done(); c.Boot(t) }()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		mounts, err := systemdHierarchies()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			own := hostCgroup(t, c.PID(), "name=systemd")
			if !strings.Contains(own, "/"+c.name+"/") {
				t.Errorf("container %s: systemd runs in cgroup %s, not in one named after the container", c.name, own)
			}
			groups = append(groups, filepath.Join(mounts["name=systemd"], own))
		}
		if len(groups) == 2 && groups[0] == groups[1] {
			t.Errorf("both containers' systemd run in %s", groups[0])
		}
	})
	for _, g := range groups {
		if _, err := os.Stat(g); !os.IsNotExist(err) {
			t.Errorf("cgroup %s still there after the container stopped: %v", g, err)
		}
	}
}

// hostCgroup is the cgroup of pid in the hierarchy named by controllers,
// as the host sees it.
func hostCgroup(t *testing.T, pid int, controllers string) string {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if parts := strings.SplitN(line, ":", 3); len(parts) == 3 && parts[1] == controllers {
			return parts[2]
		}
	}
	t.Fatalf("pid %d is in no %q cgroup:\n%s", pid, controllers, data)
	return ""
}
