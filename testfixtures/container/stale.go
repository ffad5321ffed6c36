package container

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// dirPrefix names container directories in os.TempDir().
const dirPrefix = "tend-ct-"

var sweepOnce sync.Once

// makeDir creates a container directory and locks it for as long as this
// process lives: a directory whose lock is free was left by a test
// process that died without running its cleanups.
func makeDir() (dir string, lock *os.File, err error) {
	dir, err = os.MkdirTemp("", dirPrefix)
	if err != nil {
		return "", nil, err
	}
	lock, err = os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("container directory: %w", err)
	}
	return dir, lock, nil
}

// sweepStale removes the container directories of test processes that died
// without their cleanups (a go test timeout, a kill -9); their containers
// shut themselves down, but their files stay. Directories still being made
// (no lock file yet) and those of containers still shutting down are left.
func sweepStale(logf func(format string, args ...any)) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, "lock"))
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil && !engineRunsIn(dir) {
			if err := removeTree(dir); err != nil {
				logf("container: stale %s: %v", dir, err)
			} else {
				logf("container: removed %s, left by a test process that died", dir)
			}
		}
		f.Close()
	}
}

// engineRunsIn tells whether a systemd-nspawn or an lxc-start still runs
// a container in dir.
func engineRunsIn(dir string) bool {
	args := [][]byte{[]byte("--directory=" + filepath.Join(dir, "rootfs") + "\x00"), []byte("--lxcpath=" + dir + "\x00")}
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, path := range cmdlines {
		data, err := os.ReadFile(path)
		if err == nil && (bytes.Contains(data, args[0]) || bytes.Contains(data, args[1])) {
			return true
		}
	}
	return false
}
