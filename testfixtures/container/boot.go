package container

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// bootTimeout bounds Boot: from starting the engine until systemd
	// reports the system up and answers on D-Bus.
	bootTimeout = 60 * time.Second
	// stopTimeout is how long an orderly shutdown may take before the
	// container is killed.
	stopTimeout = 30 * time.Second
	// slowStop is a shutdown long enough to show the console for.
	slowStop = 5 * time.Second
	// consoleTail is how many console lines a failed test shows.
	consoleTail = 40
)

// process is a booted container: its engine (systemd-nspawn or
// lxc-start), our child, and the container's systemd, the engine's child
// and PID 1 inside.
type process struct {
	engine    *exec.Cmd
	exited    chan struct{} // closed when the engine has exited and been reaped
	initPID   int           // the container's systemd, as the host sees it
	initStart string        // its start time, against PID reuse
	console   string        // file with the container's console output
	cgroupErr error         // from removing its cgroup, set before exited closes

	mu    sync.Mutex
	execs map[int]bool // process groups of the nsenters Exec runs
}

// track records (or forgets) the process group of an Exec's nsenter.
func (p *process) track(pgid int, running bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.execs == nil {
		p.execs = map[int]bool{}
	}
	if running {
		p.execs[pgid] = true
	} else {
		delete(p.execs, pgid)
	}
}

// killExecs kills the commands Exec still runs, so that the shutdown does
// not wait for them: an nsenter stops itself when the shutdown's SIGSTOP
// reaches its child, and the PID namespace cannot end while that child
// waits to be reaped by the stopped nsenter.
func (p *process) killExecs() {
	p.mu.Lock()
	groups := make([]int, 0, len(p.execs))
	for pgid := range p.execs {
		groups = append(groups, pgid)
	}
	p.mu.Unlock()
	for _, pgid := range groups {
		killInside(pgid)
	}
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		p.mu.Lock()
		n := len(p.execs)
		p.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, pgid := range groups {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

// Boot starts the container (systemd-nspawn --boot --private-network, or
// lxc-start with loopback only) and
// waits until systemd reports the system running (or degraded) and answers
// on D-Bus. The container is shut down in t.Cleanup; when the test failed,
// the cleanup first logs the end of the console output and of the journal.
func (c *Container) Boot(t testing.TB) {
	t.Helper()
	start := time.Now()
	p, err := c.start()
	if err != nil {
		t.Fatalf("container %s: %v", c.name, err)
	}
	t.Cleanup(func() { c.stop(t) })
	ctx, cancel := context.WithTimeout(t.Context(), bootTimeout)
	defer cancel()
	state, err := c.waitReady(ctx, p)
	if err != nil {
		// The cleanup that stops it shows the console and the journal.
		t.Fatalf("container %s did not come up within %s: %v", c.name, bootTimeout, err)
	}
	if state != "running" {
		failed, _, _ := c.Exec(ctx, "systemctl", "--failed", "--no-legend")
		t.Logf("container %s is %s; failed units:\n%s", c.name, state, failed)
	}
	t.Logf("container %s: booted in %s", c.name, time.Since(start).Round(time.Millisecond))
}

// start runs the container's engine and finds the container's systemd.
func (c *Container) start() (*process, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running != nil {
		return nil, errors.New("already booted")
	}
	console, err := os.Create(filepath.Join(c.dir, "console.log"))
	if err != nil {
		return nil, err
	}
	defer console.Close() // the engine has its own copy
	cmd, cleanup, err := c.command(console.Name())
	if err != nil {
		return nil, err
	}
	cmd.Env = cleanEnv()
	cmd.Stdout, cmd.Stderr = console, console
	if c.engine == LXC { // LXC writes the console log itself
		out, err := os.Create(filepath.Join(c.dir, "lxc-start.log"))
		if err != nil {
			return nil, err
		}
		defer out.Close()
		cmd.Stdout, cmd.Stderr = out, out
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true, // a ^C on the terminal is for the test binary
		// Should the test binary die without its cleanups (a go test
		// timeout), the engine shuts the container down by itself.
		Pdeathsig: syscall.SIGTERM,
	}
	if err := cmd.Start(); err != nil {
		_ = cleanup()
		return nil, err
	}
	p := &process{engine: cmd, exited: make(chan struct{}), console: console.Name()}
	go func() {
		_ = cmd.Wait()
		p.cgroupErr = cleanup()
		close(p.exited)
	}()
	if err := p.findInit(); err != nil {
		p.kill()
		return nil, fmt.Errorf("%w\nconsole:\n%s", err, tailLines(p.console, consoleTail))
	}
	c.running = p
	return p, nil
}

// findInit waits for the engine's child that is PID 1 in its own PID
// namespace.
func (p *process) findInit() error {
	deadline := time.Now().Add(bootTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("the container engine exited: %v", p.engine.ProcessState)
		default:
		}
		for _, pid := range childrenOf(p.engine.Process.Pid) {
			if isNamespaceInit(pid) {
				p.initPID, p.initStart = pid, startTime(pid)
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("the container engine started no container")
}

// waitReady waits until systemd inside says the system is up and answers
// on D-Bus, and returns the system state (running or degraded).
func (c *Container) waitReady(ctx context.Context, p *process) (string, error) {
	last := errors.New("no answer yet")
	for {
		select {
		case <-p.exited:
			return "", fmt.Errorf("the container engine exited: %v", p.engine.ProcessState)
		case <-ctx.Done():
			return "", fmt.Errorf("%w (last: %v)", ctx.Err(), last)
		default:
		}
		// Fails until systemd listens; --wait then blocks until boot ends.
		out, _, err := c.Exec(ctx, "systemctl", "is-system-running", "--wait")
		state := strings.TrimSpace(out)
		if state == "running" || state == "degraded" {
			_, stderr, err := c.Exec(ctx, "busctl", "call", "org.freedesktop.systemd1",
				"/org/freedesktop/systemd1", "org.freedesktop.DBus.Peer", "Ping")
			if err == nil {
				return state, nil
			}
			last = fmt.Errorf("D-Bus: %v: %s", err, strings.TrimSpace(stderr))
		} else {
			last = fmt.Errorf("system state %q: %v", state, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop shuts the container down, if it runs: askToStop makes it
// ask systemd for an orderly shutdown; if that takes longer than
// stopTimeout, the container's PID 1 is killed, which kills every process
// inside.
func (c *Container) stop(t testing.TB) {
	c.mu.Lock()
	p := c.running
	c.running = nil
	c.mu.Unlock()
	if p == nil {
		return
	}
	if t.Failed() {
		c.logDiagnostics(t, p)
	}
	start := time.Now()
	p.killExecs()
	c.askToStop(p)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		t.Logf("container %s: no orderly shutdown within %s; killing it", c.name, stopTimeout)
		p.kill()
	}
	// nspawn cannot clean this up when /run is not a tmpfs.
	_ = os.Remove(filepath.Join("/run/systemd/nspawn/propagate", c.name))
	took := time.Since(start)
	t.Logf("container %s: stopped in %s", c.name, took.Round(time.Millisecond))
	if p.cgroupErr != nil {
		t.Logf("container %s: cgroup left behind: %v", c.name, p.cgroupErr)
	}
	if took > slowStop {
		t.Logf("container %s: slow shutdown; console (last %d lines):\n%s",
			c.name, consoleTail, tailLines(p.console, consoleTail))
	}
}

// logDiagnostics shows why a test may have failed: the end of the journal
// (while the container still runs) and of the console.
func (c *Container) logDiagnostics(t testing.TB, p *process) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	journal, stderr, err := c.exec(ctx, p, "journalctl", "--no-pager", "-q", "-n", "60")
	if err != nil {
		journal = fmt.Sprintf("(journalctl: %v: %s)", err, stderr)
	}
	t.Logf("container %s failed test; journal (last 60 lines):\n%s\nconsole (last %d lines):\n%s",
		c.name, journal, consoleTail, tailLines(p.console, consoleTail))
}

// kill ends the container at once: killing its PID 1 kills every process in
// its PID namespace, then nspawn exits. nspawn itself is killed only if it
// does not, since killing it first would orphan the container.
func (p *process) kill() {
	if p.initPID != 0 && startTime(p.initPID) == p.initStart {
		_ = syscall.Kill(p.initPID, syscall.SIGKILL)
	}
	select {
	case <-p.exited:
		return
	case <-time.After(10 * time.Second):
	}
	_ = p.engine.Process.Kill()
	<-p.exited
}

// childrenOf lists the children of pid, from every one of its threads.
func childrenOf(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var kids []int
	for _, task := range tasks {
		data, _ := os.ReadFile(task)
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				kids = append(kids, n)
			}
		}
	}
	return kids
}

// isNamespaceInit tells whether pid is PID 1 of a PID namespace nested in
// ours: the last NSpid of /proc/PID/status is its PID in its own namespace.
func isNamespaceInit(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			ids := strings.Fields(rest)
			return len(ids) > 1 && ids[len(ids)-1] == "1"
		}
	}
	return false
}

// startTime is field 22 of /proc/PID/stat (in clock ticks since boot), ""
// when the process is gone.
func startTime(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) may hold spaces; fields count from its ")".
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return ""
	}
	return fields[19]
}
