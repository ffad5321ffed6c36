package container

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options says what a new container needs. The zero value is a bare
// Debian 11 minbase system with systemd and D-Bus.
type Options struct {
	// Release is the Debian release the container runs: "bullseye"
	// (Debian 11, what "" means) or "bookworm" (Debian 12). Each has its
	// own cached root file system and .debs.
	Release string

	// Packages are the packages whose .debs, with every dependency the
	// root file system lacks, are put into the container's apt cache, so
	// that `apt-get install` of any of them works without network. They
	// are not installed. "name=version" pins a version.
	Packages []string

	// ReadOnly are directories of this machine that the booted container
	// sees, read-only, at the given absolute paths (systemd-nspawn
	// --bind-ro): one node repository that several containers follow.
	ReadOnly []Bind

	// Engine boots the container: Nspawn ("" too) or LXC.
	Engine Engine
}

// Bind is a directory of this machine (Host) shown inside the container at
// Path.
type Bind struct {
	Host, Path string
}

// Container is one throwaway Debian system: a root file system that can
// be booted once. Its methods may be called from several goroutines.
type Container struct {
	dir    string // holds rootfs/, console.log and lock
	root   string
	name   string // machine name for systemd-nspawn
	binds  []Bind
	engine Engine

	mu      sync.Mutex
	running *process // nil before Boot and after stop
}

// New makes a fresh copy of the cached root file system of opts.Release
// (building the cache first if needed) with the .debs of opts.Packages in
// its apt cache. The copy is removed in t.Cleanup. New skips the test when the
// machine cannot run containers (not root, tools missing).
func New(t testing.TB, opts Options) *Container {
	t.Helper()
	if testing.Short() {
		t.Skip("containers are not booted in -short mode (make unit); make e2e runs them")
	}
	if reason := unavailable(); reason != "" {
		skipOrFail(t, reason)
	}
	engine, err := engineOf(opts)
	if err != nil {
		t.Fatal(err)
	}
	if why := engineMissing(engine); why != "" {
		skipOrFail(t, why)
	}
	ctx := t.Context()
	rootfs, debs, err := prepare(ctx, testLog{t}, opts)
	if err != nil {
		t.Fatal(err)
	}
	sweepOnce.Do(func() { sweepStale(t.Logf) })
	start := time.Now()
	dir, lock, err := makeDir()
	if err != nil {
		t.Fatal(err)
	}
	c := &Container{dir: dir, root: filepath.Join(dir, "rootfs"), name: filepath.Base(dir), binds: opts.ReadOnly, engine: engine}
	t.Cleanup(func() { c.remove(t); lock.Close() }) // registered first, so it runs after Boot's stop
	if err := c.populate(ctx, rootfs, debs); err != nil {
		t.Fatal(err)
	}
	t.Logf("container %s: new in %s", c.name, time.Since(start).Round(time.Millisecond))
	return c
}

// skipOrFail skips a test that cannot boot its container, or fails it
// when $TEND_TEST_REQUIRE_CONTAINERS says containers must run (CI).
func skipOrFail(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("TEND_TEST_REQUIRE_CONTAINERS") != "" {
		t.Fatalf("container tests are required ($TEND_TEST_REQUIRE_CONTAINERS) but cannot run: %s", reason)
	}
	t.Skipf("no containers: %s", reason)
}

// PrepareOptions builds what New(t, opts) needs into the cache, if an
// earlier run did not: the root file system of the release and the .debs
// of the packages. Build progress goes to log. It lets a make target warm
// the cache before the tests run.
func PrepareOptions(ctx context.Context, log io.Writer, opts Options) error {
	if reason := unavailable(); reason != "" {
		return fmt.Errorf("cannot build the container cache: %s", reason)
	}
	_, _, err := prepare(ctx, log, opts)
	return err
}

// prepare returns the cached root file system of opts.Release and the
// directory of the .debs of opts.Packages ("" when there are none).
func prepare(ctx context.Context, log io.Writer, opts Options) (rootfs, debs string, err error) {
	c, err := openCache(log, opts.Release)
	if err != nil {
		return "", "", err
	}
	rootfs, took, err := c.rootfs(ctx)
	if err != nil {
		return "", "", err
	}
	if took > 0 {
		fmt.Fprintf(log, "container: built the %s root file system in %s\n", c.suite, took.Round(time.Millisecond))
	}
	if len(opts.Packages) == 0 {
		return rootfs, "", nil
	}
	debs, err = c.debs(ctx, rootfs, opts.Packages)
	return rootfs, debs, err
}

// populate copies the root file system and the .debs into the container.
func (c *Container) populate(ctx context.Context, rootfs, debs string) error {
	if err := copyTree(ctx, rootfs, c.root); err != nil {
		return err
	}
	if err := setMachineID(c.root); err != nil {
		return err
	}
	if err := preseed(ctx, c.root); err != nil {
		return err
	}
	if debs == "" {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(debs, "*.deb"))
	if err != nil {
		return err
	}
	archives := filepath.Join(c.root, "var/cache/apt/archives")
	for _, f := range files {
		if err := copyFile(f, filepath.Join(archives, filepath.Base(f))); err != nil {
			return err
		}
	}
	return nil
}

// Root is the container's root file system on the host. Before Boot it is
// a plain directory for tend --root; after, writing to it changes the
// running system's files.
func (c *Container) Root() string { return c.root }

// CopyIn copies the regular file hostPath to the absolute containerPath in
// the root file system, with the same permissions, creating missing parent
// directories. The file is replaced atomically, so a running binary can be
// replaced. Symlinks on the way are followed only within the root.
func (c *Container) CopyIn(t testing.TB, hostPath, containerPath string) {
	t.Helper()
	if err := c.copyIn(hostPath, containerPath); err != nil {
		t.Fatalf("copying %s into the container as %s: %v", hostPath, containerPath, err)
	}
}

func (c *Container) copyIn(hostPath, containerPath string) error {
	if !filepath.IsAbs(containerPath) {
		return fmt.Errorf("the container path must be absolute")
	}
	rel := strings.TrimPrefix(filepath.Clean(containerPath), "/")
	in, err := os.Open(hostPath)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file")
	}
	root, err := os.OpenRoot(c.root)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := root.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return err
	}
	tmp := rel + ".tend-copyin"
	out, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Chmod(tmp, fi.Mode().Perm()) // OpenFile's mode is masked by the umask
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		_ = root.Remove(tmp)
	}
	return err
}

// remove stops the container if it still runs and deletes its directory.
func (c *Container) remove(t testing.TB) {
	c.stop(t)
	if err := removeTree(c.dir); err != nil {
		t.Errorf("container %s: %v", c.name, err)
	}
}

// unavailable says why containers cannot run here, or "" when they can.
func unavailable() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	var missing []string
	for _, tool := range []string{"debootstrap", "systemd-nspawn", "nsenter", "chroot", "cp"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		return "missing " + strings.Join(missing, ", ") + " (apt-get install debootstrap systemd-container)"
	}
	return ""
}

// testLog sends build progress to the test log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
