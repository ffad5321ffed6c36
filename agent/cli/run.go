package cli

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/tendhq/tend/agent/run"
	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/report"
)

// maxStack bounds a goroutine's stack (Go's default is 1 GB): a runaway
// recursion ends as an internal error in a fraction of a second instead
// of after eating a gigabyte.
const maxStack = 64 << 20

// fallbackEnv carries, to a supervised agent child, why the child before
// it crashed: it applies the last known good at once.
const fallbackEnv = "TEND_AGENT_FALLBACK"

// Run is the tend binary: it runs tend as a supervised child of itself
// (see agent/supervise) and returns the exit code; argv0 is the name the
// child is started with. In the child, and for `tend providers serve`
// (whose crash its caller contains), it runs the command itself.
func Run(argv0 string, args []string) int {
	outliveClosedOutput()
	if link := supervise.Child(); link != nil || !wantsSupervisor(args) {
		return runChild(args, link)
	}
	return runSupervised(argv0, args)
}

// RunChild runs the command in this process as the supervised child
// does — bounded stack, subreaper, what the run left killed — under the
// supervisor that started it, if any, or none.
func RunChild(args []string) int {
	outliveClosedOutput()
	return runChild(args, supervise.Child())
}

// outliveClosedOutput keeps tend running when whatever reads its output
// goes away (tend apply | head): without it, Go ends the process with
// SIGPIPE at the first write to a closed stdout or stderr, which would
// stop an apply halfway and count as a crash. With it, such writes fail
// and are dropped, and the run ends as it would have. The signal is
// caught, not ignored, so the commands tend runs (dpkg, git, postmap)
// start with SIGPIPE's default, as they expect.
func outliveClosedOutput() {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
}

// catchStopsToTheEnd keeps SIGINT, SIGTERM and SIGHUP caught for the
// child's whole life. The command stops its handling of them when it
// returns, and the process exits a moment later; a second stop signal in
// that moment would otherwise kill it. That is the usual case: systemd
// stops a unit by signalling every process in it, supervisor and child,
// and the supervisor forwards its signal to the child as well, so the
// child, which had stopped cleanly on the first, died of the second and
// the supervisor recorded a crash (exit 70) for an ordinary stop.
func catchStopsToTheEnd() {
	signal.Notify(make(chan os.Signal, 1), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
}

func wantsSupervisor(args []string) bool {
	return !(len(args) >= 2 && args[0] == "providers" && args[1] == "serve")
}

// runChild runs the command, kills whatever it left running, and tells
// the supervisor the exit code. A panic that reaches it is printed as the
// runtime would and ends the process without telling: the supervisor
// takes that for the crash it is.
func runChild(args []string, link *supervise.Link) int {
	debug.SetMaxStack(maxStack)
	_ = supervise.BecomeReaper() // without it, process groups and PDEATHSIG still hold
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "panic: %v [recovered]\n\n%s", p, debug.Stack())
			supervise.Sweep()
			os.Exit(supervise.ExitInternal)
		}
	}()
	catchStopsToTheEnd()
	env := &cmdEnv{stdout: os.Stdout, stderr: os.Stderr, link: link}
	if link.Supervised() {
		env.fallback = os.Getenv(fallbackEnv)
		os.Unsetenv(fallbackEnv)
	}
	code := mainEnv(args, env)
	supervise.Sweep()
	link.Exit(code)
	return code
}

// runSupervised starts the child and, when it crashed, says so, records
// the crash where the run would have recorded itself, and for the agent
// runs the child again to apply the last known good.
func runSupervised(argv0 string, args []string) int {
	_ = supervise.BecomeReaper() // what a crashed child left comes here, to be killed
	o := supervise.Options{Args: append([]string{argv0}, args...), Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	out, err := supervise.Supervise(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tend: %v\n", err)
		return supervise.ExitInternal
	}
	if !out.Crashed {
		return out.Code
	}
	// The crash's text comes from the runtime, not through the child's
	// escaping writer.
	w := resources.NewTerminalWriter(os.Stderr)
	defer w.Flush()
	reason := internalError(w, out)
	if r := out.Run; r != nil && r.Command == "agent" && !r.Fallback {
		fmt.Fprintln(w, "tend agent: applying the last known good commit instead")
		w.Flush()
		o.Env = []string{fallbackEnv + "=" + reason}
		if again, err := supervise.Supervise(o); err != nil {
			fmt.Fprintf(w, "tend: %v\n", err)
		} else if again.Crashed {
			internalError(w, again)
		}
	}
	if out.RunCode != nil { // the crash came after the run, which stands
		return *out.RunCode
	}
	return supervise.ExitInternal
}

// crashLines is how much of a crash its one-line reason quotes.
const crashLines = 3

// internalError prints a crashed child's crash (redacted), records it as
// the run's failure when the run had said where it records itself, and
// returns the reason reports and monitoring show.
func internalError(w io.Writer, out supervise.Outcome) string {
	red := resources.NewRedactor(out.Secrets)
	crash := red.String(out.Crash)
	if crash != "" {
		_, _ = io.WriteString(w, crash)
	}
	reason := "internal error: tend " + out.How
	if first := firstLines(crash, crashLines); first != "" {
		reason += ": " + first
	}
	fmt.Fprintf(w, "tend: %s (exit code %d; this is a bug in tend)\n", reason, supervise.ExitInternal)
	r := out.Run
	if r == nil {
		return reason
	}
	f := report.Failure{RunID: r.RunID, Node: r.Node, Root: r.Root, Started: r.Started, Source: report.Source{Repo: r.Repo},
		Error: reason, Detail: crash, ExitCode: report.ExitInternal}
	if f.RunID == "" {
		f.RunID = run.NewRunID()
	}
	path, err := "", ensureStateDir(r.StateDir) // the crash may have come first
	if err == nil {
		path, err = report.WriteFailure(r.StateDir, f)
	}
	if err != nil {
		fmt.Fprintf(w, "tend: recording the crash: %v\n", err)
	} else {
		fmt.Fprintf(w, "tend: the crash is recorded in %s\n", path)
	}
	if r.Command == "agent" {
		env := &cmdEnv{stdout: io.Discard, stderr: w}
		writeMetrics(env, agentLogger(env), r.StateDir, metricsOut{path: r.MetricsFile, interval: r.Interval})
	}
	return reason
}

// firstLines is the first n non-empty lines of s, joined by " / ".
func firstLines(s string, n int) string {
	var lines []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
		if len(lines) == n {
			break
		}
	}
	return resources.Bound(strings.Join(lines, " / "), 2<<10)
}
