package files

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/tendhq/tend/providers/chroot"
)

// maxValidatorOutput bounds the validator output an error carries.
const maxValidatorOutput = 4 << 10

// validatorWaitDelay bounds waiting for output once the validator exited.
const validatorWaitDelay = 5 * time.Second

// validatorTimeout bounds a validator; a hung checker must not hang the
// run. A variable so tests can shorten it.
var validatorTimeout = 2 * time.Minute

// runValidator runs validate_cmd on the temporary file (tmp, a path on
// this machine): /bin/sh -c, with every % replaced by the file's quoted
// path (Puppet's convention). Under a --root that is a system of its own
// (it has /bin/sh), it runs chrooted into the root with the file's path
// in it, so that `postfix check` reads the root's configuration and
// programs, not this machine's; a root without a shell (a scratch tree)
// is checked with this machine's programs. The error carries the
// validator's stderr, or its stdout when stderr is empty (some checkers
// report there), trimmed and bounded — unless the content is sensitive,
// when the output is withheld: sensitive then names what holds the
// sensitive content ("the content" for the file itself).
func runValidator(ctx context.Context, root, cmdline, tmp string, sensitive string) error {
	ctx, cancel := context.WithTimeout(ctx, validatorTimeout)
	defer cancel()
	argv, err := validatorArgv(root, cmdline, tmp)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	// Its own process group, killed whole on timeout: a validator's
	// children must not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	stdout := &capped{max: maxValidatorOutput}
	stderr := &capped{max: maxValidatorOutput}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A daemon the validator left behind may hold its output open; stop
	// waiting for it soon after the validator itself exits.
	cmd.WaitDelay = validatorWaitDelay
	err = cmd.Run()
	if err == nil {
		return nil
	}
	msg := stderr.String()
	if msg == "" {
		msg = stdout.String()
	}
	if sensitive != "" && msg != "" {
		// A checker may quote the offending line, and with it the secret.
		msg = "its output is withheld because " + sensitive + " is sensitive"
	}
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("validate_cmd did not finish within %s and was killed", validatorTimeout)
	}
	if msg == "" {
		return fmt.Errorf("validate_cmd failed: %w", err)
	}
	return fmt.Errorf("validate_cmd failed (%w): %s", err, msg)
}

// validatorArgv is the validator's command line, chrooted into root when
// root is a system of its own.
func validatorArgv(root, cmdline, tmp string) ([]string, error) {
	if !chroot.IsSystem(root) {
		return []string{"/bin/sh", "-c", strings.ReplaceAll(cmdline, "%", shellQuote(tmp))}, nil
	}
	inside, ok := chroot.Inside(root, tmp)
	if !ok {
		return nil, fmt.Errorf("validate_cmd: %s is not under the root %s", tmp, root)
	}
	return chroot.Argv(root, "/bin/sh", "-c", strings.ReplaceAll(cmdline, "%", shellQuote(inside))), nil
}

// withheldIf is runValidator's sensitive argument for a file's own
// content.
func withheldIf(sensitive bool) string {
	if sensitive {
		return "the content"
	}
	return ""
}

// shellQuote quotes s for /bin/sh in single quotes, closing and reopening
// them around an escaped quote wherever s holds one.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// capped keeps the first max bytes written to it, so a validator that
// floods its output cannot blow up the error or the run report.
type capped struct {
	buf     []byte
	max     int
	dropped bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - len(c.buf)
	if len(p) > room {
		c.buf = append(c.buf, p[:room]...)
		c.dropped = true
	} else {
		c.buf = append(c.buf, p...)
	}
	return len(p), nil
}

func (c *capped) String() string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(c.buf), ""))
	if c.dropped {
		s += " ... (truncated)"
	}
	return s
}
