package container

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// releases are the Debian releases Options.Release accepts.
var releases = []string{"bullseye", "bookworm"}

const (
	// defaultRelease is what a zero Options.Release runs.
	defaultRelease = "bullseye"
	// recipeVersion names the root file system recipe (buildRootfs and
	// tweakRootfs). Bump it whenever they change, so that existing caches are
	// rebuilt instead of reused.
	recipeVersion = 6

	defaultCacheDir = "/var/cache/tend-test"
	defaultMirror   = "http://deb.debian.org/debian"
)

// packageName is what Options.Packages accepts: a Debian package name,
// optionally pinned to a version. Anything else (an apt option such as
// "-o...") is refused before it reaches apt-get.
var packageName = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+:~-]+)?$`)

// cache is one release's and recipe's directory in the test cache: rootfs/ is the
// finished root file system, debs/KEY/ the .debs of one package set.
type cache struct {
	dir   string
	suite string    // the Debian release it holds
	log   io.Writer // progress of builds; never nil
}

// openCache opens the cache of release ("" is defaultRelease); each
// release has its own directory, root file system and .debs.
func openCache(log io.Writer, release string) (*cache, error) {
	if release == "" {
		release = defaultRelease
	}
	if !slices.Contains(releases, release) {
		return nil, fmt.Errorf("Options.Release: %q is not a release the tests run (%s)", release, strings.Join(releases, ", "))
	}
	base := os.Getenv("TEND_TEST_CACHE")
	if base == "" {
		base = defaultCacheDir
	}
	dir := filepath.Join(base, fmt.Sprintf("%s-r%d", release, recipeVersion))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("test cache: %w", err)
	}
	return &cache{dir: dir, suite: release, log: log}, nil
}

func mirror() string {
	if m := os.Getenv("TEND_TEST_MIRROR"); m != "" {
		return m
	}
	return defaultMirror
}

// lock takes the cache's exclusive lock, shared by every process and
// goroutine that builds into it; the returned function releases it.
func (c *cache) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(c.dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("test cache lock: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("test cache lock: %w", err)
	}
	return func() { f.Close() }, nil
}

// rootfs returns the cached root file system, building it first when no
// complete one exists; took is how long the build took (0 when cached).
func (c *cache) rootfs(ctx context.Context) (dir string, took time.Duration, err error) {
	final := filepath.Join(c.dir, "rootfs")
	if isDir(final) {
		return final, 0, nil
	}
	unlock, err := c.lock()
	if err != nil {
		return "", 0, err
	}
	defer unlock()
	if isDir(final) { // another process built it while we waited
		return final, 0, nil
	}
	if err := c.removeStale(); err != nil {
		return "", 0, err
	}
	start := time.Now()
	tmp, err := os.MkdirTemp(c.dir, "rootfs.tmp-")
	if err != nil {
		return "", 0, err
	}
	// MkdirTemp makes it 0700: as the container's / it would lock every
	// user but root out of the whole system.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", 0, err
	}
	if err := c.buildRootfs(ctx, tmp); err != nil {
		_ = removeTree(tmp)
		return "", 0, fmt.Errorf("building the %s root file system: %w", c.suite, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = removeTree(tmp)
		return "", 0, err
	}
	return final, time.Since(start), nil
}

// removeStale deletes what an interrupted build left behind. Only called
// with the lock held, when no build can be running.
func (c *cache) removeStale() error {
	for _, pattern := range []string{"rootfs.tmp-*", "download.tmp-*", "debs/*.tmp-*"} {
		stale, _ := filepath.Glob(filepath.Join(c.dir, pattern))
		for _, dir := range stale {
			if err := removeTree(dir); err != nil {
				return fmt.Errorf("removing an interrupted build: %w", err)
			}
		}
	}
	return nil
}

func (c *cache) buildRootfs(ctx context.Context, dir string) error {
	fmt.Fprintf(c.log, "container: debootstrap %s into %s (from %s)\n", c.suite, dir, mirror())
	err := c.run(ctx, "debootstrap", "--variant=minbase",
		"--include=systemd,systemd-sysv,dbus", c.suite, dir, mirror())
	if err != nil {
		return err
	}
	if err := tweakRootfs(dir); err != nil {
		return err
	}
	return c.aptGetOnline(ctx, dir, "update")
}

// debs returns the directory holding the .debs of packages and of their
// dependencies that the cached root file system lacks, downloading them
// first unless an earlier run did.
func (c *cache) debs(ctx context.Context, rootfs string, packages []string) (string, error) {
	set, err := packageSet(packages)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(strings.Join(set, "\n")))
	final := filepath.Join(c.dir, "debs", hex.EncodeToString(sum[:8]))
	if isDir(final) {
		return final, nil
	}
	unlock, err := c.lock()
	if err != nil {
		return "", err
	}
	defer unlock()
	if isDir(final) {
		return final, nil
	}
	if err := c.removeStale(); err != nil {
		return "", err
	}
	if err := c.download(ctx, rootfs, set, final); err != nil {
		return "", fmt.Errorf("downloading %s: %w", strings.Join(set, " "), err)
	}
	return final, nil
}

// packageSet checks the names and returns them sorted, without duplicates.
func packageSet(packages []string) ([]string, error) {
	for _, p := range packages {
		if !packageName.MatchString(p) {
			return nil, fmt.Errorf("Options.Packages: %q is not a Debian package name (name or name=version)", p)
		}
	}
	set := slices.Clone(packages)
	slices.Sort(set)
	return slices.Compact(set), nil
}

// download runs apt-get --download-only in a chroot of a copy of rootfs, so
// that apt picks exactly what an install inside the container will want,
// and moves the .debs it fetched into final.
func (c *cache) download(ctx context.Context, rootfs string, set []string, final string) error {
	fmt.Fprintf(c.log, "container: downloading %s\n", strings.Join(set, " "))
	work, err := os.MkdirTemp(c.dir, "download.tmp-")
	if err != nil {
		return err
	}
	defer removeTree(work)
	root := filepath.Join(work, "rootfs")
	if err := copyTree(ctx, rootfs, root); err != nil {
		return err
	}
	args := append([]string{"--download-only", "install"}, set...)
	if err := c.aptGetOnline(ctx, root, args...); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), filepath.Base(final)+".tmp-")
	if err != nil {
		return err
	}
	if err := moveDebs(filepath.Join(root, "var/cache/apt/archives"), tmp, set); err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	return os.Rename(tmp, final)
}

// moveDebs moves the .debs from an apt archive directory to dst and writes
// dst/packages, the set they were downloaded for (for people reading the
// cache).
func moveDebs(archives, dst string, set []string) error {
	debs, err := filepath.Glob(filepath.Join(archives, "*.deb"))
	if err != nil {
		return err
	}
	for _, deb := range debs {
		if err := os.Rename(deb, filepath.Join(dst, filepath.Base(deb))); err != nil {
			return err
		}
	}
	if err := os.Chmod(dst, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "packages"), []byte(strings.Join(set, "\n")+"\n"), 0o644)
}

// aptGetOnline runs apt-get in a chroot of root with the host's name
// server, which the root file system otherwise lacks.
func (c *cache) aptGetOnline(ctx context.Context, root string, args ...string) (err error) {
	resolvConf := filepath.Join(root, "etc/resolv.conf")
	own, err := os.ReadFile(resolvConf)
	if err != nil {
		return err
	}
	if err := copyFile("/etc/resolv.conf", resolvConf); err != nil {
		return err
	}
	defer func() {
		if werr := os.WriteFile(resolvConf, own, 0o644); err == nil {
			err = werr
		}
	}()
	return c.run(ctx, "chroot", append([]string{root, "apt-get", "-q", "-y"}, args...)...)
}

// run runs a build step with a clean environment, appending its output to
// build.log in the cache and quoting the end of it in the error.
func (c *cache) run(ctx context.Context, name string, args ...string) error {
	logFile, err := os.OpenFile(filepath.Join(c.dir, "build.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	line := name + " " + strings.Join(args, " ")
	fmt.Fprintf(logFile, "\n== %s %s\n", time.Now().Format(time.RFC3339), line)
	var out tailBuffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cleanEnv(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout = io.MultiWriter(&out, logFile)
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w (full output in %s)\n%s", line, err, logFile.Name(), out.String())
	}
	return nil
}

// cleanEnv is the environment of every command the package runs, on the
// host or inside a container: nothing of the caller's leaks in.
func cleanEnv() []string {
	return []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LANG=C.UTF-8",
		"HOME=/root",
		"TERM=dumb",
	}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
