package supervise

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Outcome is how the child ended.
type Outcome struct {
	// Code is the child's exit code; meaningful when Crashed is false.
	Code int
	// Crashed is set when the child ended without telling its exit code.
	Crashed bool
	// How says how a crashed child ended ("was killed by signal 9
	// (killed)", "exited 2 without finishing").
	How string
	// Crash is what the child wrote to stderr from the first line of its
	// crash on (bounded, see crashLimit), not redacted: Redact does that.
	Crash string
	// Run is the run the child announced last; nil when none, or when
	// the child said it was over.
	Run *Run
	// RunCode is the exit code of the run the child said was over (Link.
	// RunOver) before it crashed; nil when none.
	RunCode *int
	// Secrets are the texts the child said a crash excerpt must not show.
	Secrets []string
}

// Options say how to start the child.
type Options struct {
	// Args is the child's argument list, argv[0] included.
	Args []string
	// Env is added to the supervisor's environment.
	Env []string
	// Stdin, Stdout and Stderr are the supervisor's; stdin and stdout are
	// handed to the child as they are, stderr goes through the supervisor.
	Stdin          *os.File
	Stdout, Stderr *os.File
}

// stderrDrain bounds waiting, once the child and its leftovers are gone,
// for the rest of its stderr.
const stderrDrain = 2 * time.Second

// Supervise runs the child to its end and says how it ended. Signals
// that would stop tend are forwarded to it; every process the child left
// is killed before Supervise returns. An error means the child could not
// be started.
func Supervise(o Options) (Outcome, error) {
	link, linkW, err := os.Pipe()
	if err != nil {
		return Outcome{}, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		link.Close()
		linkW.Close()
		return Outcome{}, err
	}
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: o.Args, Env: childEnv(o.Env),
		Stdin: o.Stdin, Stdout: o.Stdout, Stderr: errW, ExtraFiles: []*os.File{linkW},
		SysProcAttr: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	err = cmd.Start()
	linkW.Close()
	errW.Close()
	if err != nil {
		link.Close()
		errR.Close()
		return Outcome{}, fmt.Errorf("starting tend's child process: %w", err)
	}
	ready := make(chan struct{})
	msgs := readLink(link, ready)
	crash := copyStderr(errR, o.Stderr)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	forward(cmd.Process, sigs, ready, waited)
	Sweep()
	out := <-msgs
	held := crash.wait(errR)
	judge(&out, cmd.ProcessState)
	if out.Crashed {
		out.Crash = held
	} else if held != "" {
		// Text that only looked like a crash: the child's, as it was.
		_, _ = io.WriteString(o.Stderr, held)
	}
	return out, nil
}

// childEnv is the supervisor's environment with the link's marker and
// extra, minus WATCHDOG_PID: the child, not the supervisor, pings a
// systemd watchdog (the unit says NotifyAccess=all).
func childEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WATCHDOG_PID=") && !strings.HasPrefix(kv, linkEnv+"=") {
			env = append(env, kv)
		}
	}
	return append(append(env, fmt.Sprintf("%s=%d", linkEnv, linkFD)), extra...)
}

// forward passes the signals received to the child until it is gone,
// holding them back until it is ready for them.
func forward(p *os.Process, sigs <-chan os.Signal, ready <-chan struct{}, waited <-chan error) {
	var held []os.Signal
	for {
		select {
		case s := <-sigs:
			if ready != nil {
				held = append(held, s)
				continue
			}
			_ = p.Signal(s)
		case <-ready:
			ready = nil
			for _, s := range held {
				_ = p.Signal(s)
			}
		case <-waited:
			return
		}
	}
}

// readLink collects the child's messages until the link closes, and
// closes ready when the child says it is.
func readLink(r *os.File, ready chan<- struct{}) <-chan Outcome {
	ch := make(chan Outcome, 1)
	go func() {
		defer r.Close()
		out := Outcome{Crashed: true}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var m message
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				continue
			}
			switch {
			case m.Ready:
				if ready != nil {
					close(ready)
					ready = nil
				}
			case m.Exit != nil:
				out.Code, out.Crashed = *m.Exit, false
			case m.RunOver != nil:
				out.Run, out.RunCode = nil, m.RunOver
			case m.Run != nil:
				out.Run, out.RunCode = m.Run, nil
			default:
				out.Secrets = append(out.Secrets, m.Secrets...)
			}
		}
		ch <- out
	}()
	return ch
}

// judge decides whether the child crashed: it did unless it said its
// exit code and then exited normally with that code.
func judge(out *Outcome, ps *os.ProcessState) {
	ws, _ := ps.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled():
		out.Crashed, out.How = true, fmt.Sprintf("was killed by signal %d (%v)", int(ws.Signal()), ws.Signal())
	case out.Crashed:
		out.How = fmt.Sprintf("exited %d without finishing", ps.ExitCode())
	case ps.ExitCode() != out.Code:
		out.Crashed, out.How = true, fmt.Sprintf("exited %d after announcing %d", ps.ExitCode(), out.Code)
	}
}
