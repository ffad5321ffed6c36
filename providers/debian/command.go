package debian

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/tendhq/tend/providers/chroot"
)

// execHook, when set, sees the argument vector of every command this
// package starts, before it starts. Tests set it to count commands; it is
// nil otherwise.
var execHook func(argv []string)

// baseEnv is the whole environment of every command: nothing is inherited
// from the agent, the locale is C so messages can be parsed, and every
// known way a package could ask a question is switched off.
var baseEnv = []string{
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"LC_ALL=C",
	"LANG=C",
	"HOME=/root",
	"DEBIAN_FRONTEND=noninteractive",
	"DEBCONF_NONINTERACTIVE_SEEN=true",
	"APT_LISTCHANGES_FRONTEND=none",
	"APT_LISTBUGS_FRONTEND=none",
	"UCF_FORCE_CONFFOLD=1",
	"NEEDRESTART_SUSPEND=1",
}

// waitDelay bounds how long a finished command's leftover children may
// hold its output pipes open.
const waitDelay = 5 * time.Second

// command is one program to run for a root.
type command struct {
	argv  []string
	stdin string
	// chroot runs argv inside the root rather than on the host; ignored
	// for the real root.
	chroot bool
	// out receives stdout and stderr together, when set; stdout and
	// stderr are kept separately in the result as well.
	out io.Writer
	// status says argv is an apt-get told to write its progress to
	// descriptor 3 (APT::Status-Fd), which is then told as news to the
	// listener of run's context.
	status bool
}

// result is how a command ended.
type result struct {
	stdout, stderr string
	code           int // -1 when killed by a signal
}

// text is stdout and stderr, for error messages.
func (r result) text() string {
	return strings.TrimSpace(r.stdout + "\n" + r.stderr)
}

// run starts c for root ("/" or a directory) in its own process group and
// waits for it. The error is for a command that could not start or was
// interrupted; a non-zero exit is in result.code.
func run(ctx context.Context, root string, c command) (result, error) {
	argv := c.argv
	if c.chroot && !isHostRoot(root) {
		argv = chroot.Argv(root, argv...)
	}
	if execHook != nil {
		execHook(argv)
	}
	cmd := osexec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = baseEnv
	cmd.Dir = "/"
	cmd.Stdin = strings.NewReader(c.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if c.out != nil {
		cmd.Stdout, cmd.Stderr = io.MultiWriter(&stdout, c.out), io.MultiWriter(&stderr, c.out)
	}
	// A group of its own lets cancellation stop dpkg and the maintainer
	// scripts apt started, not only apt.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = waitDelay
	err := startAndWait(ctx, cmd, c.status)
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	ps := cmd.ProcessState
	if ctx.Err() != nil && (ps == nil || !ps.Exited()) {
		return res, fmt.Errorf("%s was interrupted and killed: %w", argv[0], ctx.Err())
	}
	if ps == nil {
		return res, fmt.Errorf("%s could not start: %w", argv[0], err)
	}
	res.code = ps.ExitCode()
	return res, nil
}

// startAndWait runs cmd, with the progress pipe on descriptor 3 when
// status is set.
func startAndWait(ctx context.Context, cmd *osexec.Cmd, status bool) error {
	if !status {
		return cmd.Run()
	}
	w, wait, err := statusPipe(ctx)
	if err != nil {
		return fmt.Errorf("the pipe for %s's progress: %w", cmd.Args[0], err)
	}
	cmd.ExtraFiles = []*os.File{w}
	err = cmd.Start()
	w.Close() // the command has its own copy
	if err == nil {
		err = cmd.Wait()
	}
	wait()
	return err
}

func killGroup(pgid int) error {
	err := syscall.Kill(-pgid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

func isHostRoot(root string) bool { return root == "" || root == "/" }
