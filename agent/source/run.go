package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// gitConfig is passed to every git call: no hooks, no credential helper,
// no automatic maintenance that would outlive the call.
var gitConfig = []string{
	"-c", "core.hooksPath=/dev/null",
	"-c", "credential.helper=",
	"-c", "gc.autoDetach=false",
	"-c", "maintenance.auto=false",
	"-c", "advice.detachedHead=false",
}

// privateEnv is the whole environment of every call: a private HOME and
// keyring, no system or global git configuration, no prompts, and ssh in
// batch mode (it still reads root's keys and known hosts from the
// account's home directory, which it takes from the password database).
func privateEnv(private string) []string {
	home := filepath.Join(private, "home")
	env := []string{
		"PATH=" + envOr("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"GNUPGHOME=" + filepath.Join(private, "gnupg"),
		"LC_ALL=C",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ALLOW_PROTOCOL=file:ssh:https",
		"GIT_SSH_COMMAND=ssh -o BatchMode=yes",
		"GIT_SSH_VARIANT=ssh",
	}
	// Pass on only what reaching the repository may need.
	for _, k := range []string{"SSH_AUTH_SOCK", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// call is one external command.
type call struct {
	name  string
	args  []string
	stdin io.Reader
	env   []string // added to the private environment
}

// run runs a command under the source's timeout, in its own process
// group, killed whole when the timeout expires or ctx ends. The error
// carries the command's last stderr line.
func (s *Source) run(ctx context.Context, c call) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	args := c.args
	if c.name == "git" {
		args = append(append([]string{}, gitConfig...), args...)
	}
	cmd := exec.CommandContext(ctx, c.name, args...)
	cmd.Env = append(append([]string{}, s.env...), c.env...)
	cmd.Dir = s.private
	cmd.Stdin = c.stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%s %s: timed out after %s", c.name, firstArg(c.args), s.cfg.Timeout)
	} else if err != nil {
		err = fmt.Errorf("%s %s: %w%s", c.name, firstArg(c.args), err, lastLine(errOut.Bytes()))
	}
	return out.Bytes(), errOut.Bytes(), err
}

// firstArg is the command's subcommand or first operand, for messages:
// the first argument that is neither an option nor an option's value.
func firstArg(args []string) string {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-c" || a == "--git-dir" || a == "--work-tree":
			i++
		case !strings.HasPrefix(a, "-"):
			return a
		}
	}
	return ""
}

// lastLine picks what explains a failure from a command's stderr: up to
// two error lines of git or ssh, else the last line.
func lastLine(b []byte) string {
	var picked []string
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, l := range lines {
		l = strings.TrimSpace(l)
		for _, p := range []string{"fatal: ", "error: ", "ssh: "} {
			if strings.HasPrefix(l, p) && len(picked) < 2 {
				picked = append(picked, l)
			}
		}
	}
	if len(picked) == 0 {
		picked = []string{strings.TrimSpace(lines[len(lines)-1])}
	}
	if picked[0] == "" {
		return ""
	}
	return ": " + strings.Join(picked, "; ")
}

// git runs git on the mirror.
func (s *Source) git(ctx context.Context, args ...string) ([]byte, error) {
	out, _, err := s.run(ctx, call{name: "git", args: append([]string{"--git-dir", s.mirror}, args...)})
	return out, err
}
