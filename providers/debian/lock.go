package debian

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lockError turns apt's complaint about a held lock into an error that
// names the lock, who holds it and how long apt waited; nil when apt did
// not fail over a lock.
func lockError(root, out string, waited time.Duration) error {
	if !strings.Contains(errorLines(out), "lock") {
		return nil
	}
	lock, pid, comm, held := lockHolder(out)
	if !held {
		return nil
	}
	if pid == "" {
		pid, comm = holderOf(filepath.Join(root, lock))
	}
	who := "another process"
	switch {
	case pid != "" && comm != "":
		who = "pid " + pid + " (" + comm + ")"
	case pid != "":
		who = "pid " + pid
	}
	return fmt.Errorf("the package manager lock %s is held by %s: gave up after waiting %v (lock_timeout); "+
		"let that package manager finish, then run tend again", lock, who, waited)
}

// holderOf finds, in /proc/locks, the process holding a lock on path, and
// its command name; both are "" when none is found.
func holderOf(path string) (pid, comm string) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return "", ""
	}
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		return "", ""
	}
	// "1: POSIX  ADVISORY  WRITE 4711 08:01:1234 0 EOF": the device is
	// major:minor in hex, then the inode.
	dev := fmt.Sprintf("%02x:%02x:%d", major(st.Dev), minor(st.Dev), st.Ino)
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		// "->" marks a process waiting for the lock, not holding it.
		if len(f) < 6 || f[len(f)-3] != dev || strings.Contains(line, "->") {
			continue
		}
		pid = f[len(f)-4]
		if _, err := strconv.Atoi(pid); err != nil || pid == "-1" {
			continue
		}
		c, _ := os.ReadFile("/proc/" + pid + "/comm")
		return pid, strings.TrimSpace(string(c))
	}
	return "", ""
}

func major(dev uint64) uint64 { return (dev>>8)&0xfff | (dev>>32)&^0xfff }

func minor(dev uint64) uint64 { return dev&0xff | (dev>>12)&^0xff }
