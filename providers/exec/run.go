package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"syscall"
	"time"

	"github.com/tendhq/tend/providers/chroot"
)

// waitDelay bounds how long a finished or killed command may keep its
// output pipe open through processes it left running (a daemon started
// with &); after it the pipe is closed and the result stands.
const waitDelay = 2 * time.Second

// exit is how a command ended.
type exit struct {
	code int // -1 when killed by a signal
	text string
}

// ErrTimeout is wrapped by errors from commands and guards that ran out of
// time and were killed.
var ErrTimeout = errors.New("timed out")

// run runs script with /bin/sh -c in its own process group (chrooted into
// s.chroot when set), writing its
// combined output to out (discarded when nil). The error is for a command
// that could not start, timed out or was interrupted; it never holds the
// script's text.
func (s *settings) run(ctx context.Context, script string, out io.Writer) (exit, error) {
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if s.timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, s.timeout)
	}
	defer cancel()
	argv := []string{"/bin/sh", "-c", script}
	if s.chroot != "" {
		// chroot(8) starts in /: the shell goes to the working directory's
		// path inside first.
		dir, ok := chroot.Inside(s.chroot, s.dir)
		if !ok {
			dir = "/"
		}
		argv = chroot.Argv(s.chroot, "/bin/sh", "-c", `cd "$1" && exec /bin/sh -c "$2"`, "tend-exec", dir, script)
	}
	cmd := osexec.CommandContext(runCtx, argv[0], argv[1:]...)
	cmd.Dir = s.dir
	cmd.Env = s.environ
	if out != nil {
		// One writer for both, so exec.Cmd serializes the writes.
		cmd.Stdout, cmd.Stderr = out, out
	}
	// A group of its own lets a timeout kill every process the command
	// started, not only the shell.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = waitDelay
	err := cmd.Run()
	ps := cmd.ProcessState
	if runCtx.Err() != nil && (ps == nil || !ps.Exited()) {
		return exit{}, s.interrupted(ctx)
	}
	if ps == nil {
		return exit{}, fmt.Errorf("could not start: %w", err)
	}
	return exitOf(ps), nil
}

// interrupted says why a command's context ended: its own timeout, or the
// caller's deadline or cancellation.
func (s *settings) interrupted(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted and killed: %w", ctx.Err())
	}
	return fmt.Errorf("%w after %v and was killed", ErrTimeout, s.timeout)
}

// killGroup kills the process group the command leads.
func killGroup(pgid int) error {
	err := syscall.Kill(-pgid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

func exitOf(ps *os.ProcessState) exit {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		sig := ws.Signal()
		return exit{code: -1, text: fmt.Sprintf("was killed by signal %d (%v)", int(sig), sig)}
	}
	code := ps.ExitCode()
	return exit{code: code, text: fmt.Sprintf("exited %d", code)}
}
