package supervise

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// reaper is set once this process is a child subreaper.
var reaper atomic.Bool

// BecomeReaper makes this process the child subreaper of everything it
// starts: a descendant whose parent exits is re-parented here instead of
// to init, so that Sweep finds it.
func BecomeReaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return err
	}
	reaper.Store(true)
	return nil
}

// sweepRounds bounds Sweep against a process that forks faster than it
// is killed.
const sweepRounds = 100

// Sweep kills (SIGKILL, with its process group) and reaps every child
// process left, again until none is left, and returns how many it
// killed. It does nothing unless BecomeReaper succeeded. Call it only when
// nothing else of this process waits for a child: a child reaped here is
// lost to its exec.Cmd.
//
// A child cannot be reaped by anyone else while it is still listed, so
// its pid cannot be reused between finding and killing it.
func Sweep() int {
	if !reaper.Load() {
		return 0
	}
	killed := 0
	for range sweepRounds {
		pids := children()
		if len(pids) == 0 {
			break
		}
		for _, pid := range pids {
			if pgid, err := syscall.Getpgid(pid); err == nil && pgid == pid {
				_ = syscall.Kill(-pid, syscall.SIGKILL)
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if !reap(pids, time.Now().Add(reapWait)) {
			break // stuck in the kernel: init reaps them once tend is gone
		}
		killed += len(pids)
	}
	return killed
}

// reapWait bounds waiting for killed processes to be gone: one stuck in
// an uninterruptible sleep (a hung NFS server) must not hang tend.
const reapWait = 5 * time.Second

// reap waits for the killed processes until deadline and says whether
// they are all gone.
func reap(pids []int, deadline time.Time) bool {
	left := pids
	for len(left) > 0 {
		var still []int
		for _, pid := range left {
			var ws syscall.WaitStatus
			got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
			if got == 0 && err == nil || err == syscall.EINTR {
				still = append(still, pid)
			}
		}
		left = still
		if len(left) > 0 {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(time.Millisecond)
		}
	}
	return true
}

// children lists this process's child processes, from each thread's
// children file where the kernel has them, else by scanning /proc.
func children() []int {
	self := os.Getpid()
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	if len(tasks) == 0 {
		return scanChildren(self)
	}
	var pids []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

func scanChildren(self int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid(pid) == self {
			pids = append(pids, pid)
		}
	}
	return pids
}

// ppid reads a process's parent from /proc/PID/stat (after the command
// name, which may hold spaces and parentheses).
func ppid(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}
