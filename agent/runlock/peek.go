package runlock

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Status is what the lock file says to a reader that does not take the
// lock (monitoring, a plan).
type Status struct {
	// Last is the record of the run holding the lock or the last one
	// that held it; nil when no run has marked itself yet.
	Last *Record
	// Running says another process holds the lock now. The reader's own
	// run is over by the time it reports on itself.
	Running bool
}

// Unfinished says the last run started and neither recorded its result
// nor is still running: it was killed, or could not write its report.
func (s Status) Unfinished() bool {
	return s.Last != nil && !s.Running && s.Last.Finished.IsZero()
}

// Peek reads the lock file without taking the lock, so it never delays or
// refuses a run. A damaged file is an error naming it.
func Peek(stateDir string) (Status, error) {
	path := filepath.Join(stateDir, File)
	r, err := readRecord(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Status{}, nil
	}
	if err != nil {
		return Status{}, err
	}
	st := Status{Last: r}
	if r == nil {
		return st, nil
	}
	if r.PID == os.Getpid() || r.PID == os.Getppid() {
		// This run's own record (or its supervisor's): not another run.
		return st, nil
	}
	st.Running, err = locked(path, r.PID)
	return st, err
}

// Writable says why a run could not write the state directory, or nil: a
// read-only file system, no free blocks or inodes, or (for root, the user
// runs are) no write permission. A reader without root cannot see
// permissions and gets nil for them.
func Writable(stateDir string) error {
	var fs unix.Statfs_t
	if err := unix.Statfs(stateDir, &fs); err != nil {
		return fmt.Errorf("state directory %s: %w", stateDir, err)
	}
	switch {
	case fs.Flags&unix.ST_RDONLY != 0:
		return fmt.Errorf("state directory %s is on a read-only file system", stateDir)
	case fs.Bfree == 0:
		return fmt.Errorf("state directory %s: no space left on its file system", stateDir)
	case fs.Files > 0 && fs.Ffree == 0:
		return fmt.Errorf("state directory %s: no inodes left on its file system", stateDir)
	}
	if os.Geteuid() == 0 {
		if err := unix.Access(stateDir, unix.W_OK); err != nil {
			return fmt.Errorf("state directory %s is not writable: %w", stateDir, err)
		}
	}
	return nil
}

// locked says whether someone holds the flock on path, from /proc/locks
// (reading it takes no lock, unlike a probe would); without /proc, from
// whether the recorded process is alive.
func locked(path string, pid int) (bool, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return false, err
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		err := syscall.Kill(pid, 0)
		return err == nil || errors.Is(err, syscall.EPERM), nil
	}
	defer f.Close()
	id := fmt.Sprintf("%02x:%02x:%d", unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] == "->" || fields[1] != "FLOCK" {
			continue
		}
		if fields[5] == id {
			return true, nil
		}
	}
	return false, sc.Err()
}
