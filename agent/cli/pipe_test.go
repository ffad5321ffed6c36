package cli_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestClosedOutputIsNoCrash runs tend, under its supervisor, with its
// output going to a pipe nobody reads any more (tend plan | head, once
// head has exited): the run must end as it would have, with its own exit
// code, not be killed by SIGPIPE and reported as a crash.
func TestClosedOutputIsNoCrash(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		// stderrClosed closes stderr's reader too (tend ... 2>&1 | head).
		stderrClosed bool
	}{
		{"stdout", []string{"validate", "--repo", "../../testfixtures/example"}, false},
		{"stdout and stderr", []string{"validate", "--repo", "../../testfixtures/example"}, true},
		{"an error on stderr", []string{"validate", "--repo", "../../testfixtures/no-such-repo"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, out := runTend(t, c.args, nil, nil)
			if out == "" {
				t.Fatalf("tend %s wrote nothing: the test needs output to write", strings.Join(c.args, " "))
			}
			w := closedPipe(t)
			var errOut bytes.Buffer
			var stderr io.Writer = &errOut
			if c.stderrClosed {
				stderr = w
			}
			got, _ := runTend(t, c.args, w, stderr)
			if got != want || strings.Contains(errOut.String(), "crash") {
				t.Fatalf("tend %s with its output closed: exit %d, want %d as with it open; stderr:\n%s",
					strings.Join(c.args, " "), got, want, errOut.String())
			}
		})
	}
}

// runTend runs the test binary as the supervised tend binary; nil stdout
// and stderr are captured and returned together. An *os.File is handed
// to the process as it is.
func runTend(t *testing.T, args []string, stdout *os.File, stderr io.Writer) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"tend"}, args...)...)
	cmd.Args[0] = "supervised"
	var both bytes.Buffer
	cmd.Stdout, cmd.Stderr = &both, &both
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if stderr != nil {
		cmd.Stderr = stderr
	}
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, both.String()
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode(), both.String()
	}
	t.Fatalf("tend %s: %v", strings.Join(args, " "), err)
	return 0, ""
}

// closedPipe is a pipe's write end whose read end is already closed.
func closedPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	t.Cleanup(func() { w.Close() })
	return w
}

// TestStopSignalAfterTheRun sends tend's child a SIGTERM after its command
// returned, as a unit's stop does when systemd signals every process of
// the unit and the supervisor forwards its own: the child still exits
// with its code instead of dying of the signal, which the supervisor
// would record as a crash.
func TestStopSignalAfterTheRun(t *testing.T) {
	cmd := exec.Command(os.Args[0], "--version")
	cmd.Args[0] = "stopped-late"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tend --version, then SIGTERM: %v\n%s", err, out)
	}
}
