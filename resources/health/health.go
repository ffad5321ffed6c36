package health

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// DefaultTimeout bounds one attempt of a check.
	DefaultTimeout = 5 * time.Second
	// DefaultRetry is how long a failing check is tried again: a service
	// takes a moment to listen after a restart.
	DefaultRetry = 10 * time.Second
	// retryPause separates attempts.
	retryPause = 500 * time.Millisecond
	// maxOutput bounds what a check's failure carries.
	maxOutput = 2 << 10
)

// Check is one declared health check. Exactly one of Command, TCP and
// Unix is set.
type Check struct {
	// Name is how reports call the check; it defaults to what it does.
	Name string
	// Command runs with /bin/sh -c in its own process group; exit 0 is
	// healthy.
	Command string
	// TCP is a "host:port" to connect to.
	TCP string
	// Unix is a socket path to connect to.
	Unix string
	// Expect, with TCP or Unix, is the prefix the server's first line
	// must start with ("220" for SMTP, "* OK" for IMAP).
	Expect string
	// Timeout bounds one attempt; Retry is how long failing attempts are
	// repeated before the check fails.
	Timeout, Retry time.Duration
	// Dir is where Command runs: the run's root, like exec commands.
	Dir string
}

// Label is the check's name, or a description of what it does.
func (c Check) Label() string {
	switch {
	case c.Name != "":
		return c.Name
	case c.Command != "":
		return "command " + strconv.Quote(c.Command)
	case c.TCP != "":
		return "tcp " + c.TCP + expectLabel(c.Expect)
	}
	return "unix " + c.Unix + expectLabel(c.Expect)
}

func expectLabel(e string) string {
	if e == "" {
		return ""
	}
	return " expecting " + strconv.Quote(e)
}

// Failure is a check that failed for its whole retry window.
type Failure struct {
	Check  string
	Output string
}

func (f *Failure) Error() string {
	if f.Output == "" {
		return "health check " + f.Check + " failed"
	}
	return "health check " + f.Check + " failed: " + f.Output
}

// Run runs every check in order and returns the first that failed for its
// whole retry window (a *Failure), or nil.
func Run(ctx context.Context, checks []Check) error {
	for _, c := range checks {
		if err := c.run(ctx); err != nil {
			return err
		}
	}
	return nil
}

// run repeats the check until it passes, the retry window closes or ctx
// ends; it reports the last attempt's failure.
func (c Check) run(ctx context.Context) error {
	timeout, retry := c.Timeout, c.Retry
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if retry < 0 {
		retry = 0
	}
	deadline := time.Now().Add(retry)
	for {
		err := c.attempt(ctx, timeout)
		if err == nil {
			return nil
		}
		if time.Now().Add(retryPause).After(deadline) || ctx.Err() != nil {
			return &Failure{Check: c.Label(), Output: bound(err.Error())}
		}
		select {
		case <-ctx.Done():
		case <-time.After(retryPause):
		}
	}
}

func (c Check) attempt(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if c.Command != "" {
		return runCommand(ctx, c.Command, c.Dir, timeout)
	}
	network, addr := "tcp", c.TCP
	if c.Unix != "" {
		network, addr = "unix", c.Unix
	}
	return dial(ctx, network, addr, c.Expect)
}

// runCommand runs cmdline in its own process group, killed whole when
// the attempt's time is up, and returns its output on failure.
func runCommand(ctx context.Context, cmdline, dir string, timeout time.Duration) error {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", cmdline)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil
	}
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("did not finish within %s and was killed", timeout)
	}
	msg := strings.TrimSpace(strings.ToValidUTF8(string(out), ""))
	if msg == "" {
		return err
	}
	return fmt.Errorf("%w: %s", err, msg)
}

// dial connects and, when expect is set, reads the server's first line.
func dial(ctx context.Context, network, addr, expect string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if expect == "" {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetReadDeadline(dl)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if err != nil && line == "" {
		return fmt.Errorf("%s %s: no greeting: %w", network, addr, err)
	}
	if !strings.HasPrefix(line, expect) {
		return fmt.Errorf("%s %s greeted %q, not %q", network, addr, bound(line), expect)
	}
	return nil
}

func bound(s string) string {
	if len(s) > maxOutput {
		return s[:maxOutput] + " ... (truncated)"
	}
	return s
}

// ErrNoCheck is returned by Validate for a check that says nothing to do.
var ErrNoCheck = errors.New("a health check needs exactly one of command, tcp or unix")

// Validate checks a declared check is complete and coherent.
func (c Check) Validate() error {
	n := 0
	for _, s := range []string{c.Command, c.TCP, c.Unix} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return ErrNoCheck
	}
	if c.Command != "" && c.Expect != "" {
		return errors.New("expect goes with tcp or unix, not with command")
	}
	if c.TCP != "" {
		if _, _, err := net.SplitHostPort(c.TCP); err != nil {
			return fmt.Errorf("tcp: %w", err)
		}
	}
	return nil
}
