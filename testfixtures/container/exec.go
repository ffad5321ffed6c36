package container

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runTimeout bounds one Run, so a hung command fails its test with a
// message instead of running into go test's timeout.
const runTimeout = 5 * time.Minute

// Exec runs a command inside the booted container (nsenter into every
// namespace of its PID 1) and returns what it wrote. The environment is
// PATH, LANG=C.UTF-8, HOME=/root and TERM=dumb, stdin is empty. When ctx
// ends, the command and everything it started in its process group are
// killed. err is the command's failure (an *exec.ExitError for a non-zero
// exit) with the command line.
func (c *Container) Exec(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	c.mu.Lock()
	p := c.running
	c.mu.Unlock()
	if p == nil {
		return "", "", fmt.Errorf("%s: container %s is not running", strings.Join(args, " "), c.name)
	}
	return c.exec(ctx, p, args...)
}

func (c *Container) exec(ctx context.Context, p *process, args ...string) (string, string, error) {
	if len(args) == 0 {
		return "", "", errors.New("no command")
	}
	nsenter := append([]string{"--target", strconv.Itoa(p.initPID), "--all", "--"}, args...)
	cmd := exec.CommandContext(ctx, "nsenter", nsenter...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// nsenter forks the command into the container's PID namespace and
	// forwards no signal to it: kill what it runs instead, and it exits.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		killInside(cmd.Process.Pid)
		return nil
	}
	// Then nsenter itself is killed, should it not have exited, and the
	// output pipes closed, should a daemon the command started keep them.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return "", "", fmt.Errorf("in container %s: %s: %w", c.name, strings.Join(args, " "), err)
	}
	p.track(cmd.Process.Pid, true)
	err := cmd.Wait()
	p.track(cmd.Process.Pid, false)
	if err != nil {
		err = fmt.Errorf("in container %s: %s: %w", c.name, strings.Join(args, " "), err)
	}
	return stdout.String(), stderr.String(), err
}

// Run is Exec for tests: it fails the test, with the command's output, when
// the command fails or takes longer than five minutes, and returns stdout.
func (c *Container) Run(t testing.TB, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	stdout, stderr, err := c.Exec(ctx, args...)
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	return stdout
}

// Journal returns the last 100 lines of the journal of unit inside the
// running container (of the whole system when unit is ""), for test
// messages. It never fails the test: an error is returned as the text.
func (c *Container) Journal(t testing.TB, unit string) string {
	t.Helper()
	args := []string{"journalctl", "--no-pager", "-q", "-n", "100"}
	if unit != "" {
		args = append(args, "--unit", unit)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stdout, stderr, err := c.Exec(ctx, args...)
	if err != nil {
		return fmt.Sprintf("(%v: %s)", err, strings.TrimSpace(stderr))
	}
	return stdout
}

// PID is the host's PID of the container's systemd (its PID 1), 0 when it
// is not running: for tools that enter the container themselves.
func (c *Container) PID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running == nil {
		return 0
	}
	return c.running.initPID
}

// killInside kills the processes of an Exec's process group except its
// leader, nsenter, which then reaps its child and exits. Killing nsenter
// first would orphan the child to the host's init (it left our PID
// namespace by its parent only): a zombie that systemd-shutdown, which
// cannot reap it, then waits for until its timeout.
func killInside(pgid int) {
	for range 20 {
		members := groupMembers(pgid)
		if len(members) == 0 {
			return
		}
		for _, pid := range members {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// groupMembers lists the live processes of process group pgid, other than
// the leader.
func groupMembers(pgid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		s := string(data)
		// After the command name: state, ppid, pgrp.
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 3 || f[0] == "Z" || f[2] != strconv.Itoa(pgid) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(path))); err == nil && pid != pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}
