package mutants

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tendhq/tend/modules"
)

// Config says which mutants to make and how to run tend on them.
type Config struct {
	Seed uint64 `json:"seed"`
	// Base is the repository mutated (testfixtures/example).
	Base string `json:"base"`
	// Library lets mutants copy the module library into modules/.
	Library bool `json:"library"`
	// Root is the scratch root plans run against, prepared for Node.
	Root string `json:"root"`
	Node string `json:"node"`
	// PlanEvery plans every PlanEvery-th mutant that validates (1: all).
	PlanEvery int `json:"plan_every"`
	// Dir is where mutants are written, one directory each, removed
	// after the run.
	Dir string `json:"dir"`
}

// Generator returns the configuration's mutant generator.
func (c *Config) Generator() (*Generator, error) {
	base, err := Load(os.DirFS(c.Base), ".", "")
	if err != nil {
		return nil, err
	}
	lib := Repo{}
	if c.Library {
		if lib, err = Load(modules.Library, ".", "modules"); err != nil {
			return nil, err
		}
	}
	return New(base, lib, c.Seed), nil
}

// Outcome is what running tend on one mutant gave.
type Outcome struct {
	N        int    `json:"n"`
	Op       string `json:"op"`
	Validate int    `json:"validate"`
	Plan     int    `json:"plan"` // -1: not planned
	// Problem is why the outcome is a failure; "" when it is not.
	Problem string  `json:"problem,omitempty"`
	Seconds float64 `json:"seconds"`
}

// Allowed are the exit codes tend documents for validate and plan.
var Allowed = map[int]bool{0: true, 1: true, 2: true, 4: true, 6: true}

// crashText marks a Go crash or an escaped panic in tend's output.
var crashText = []string{"panic:", "goroutine ", "fatal error:", "runtime error:", "[signal "}

// Check says what is wrong with a run of tend that exited with code and
// printed output, or "" when nothing is.
func Check(code int, output []byte) string {
	var bad []string
	if !Allowed[code] {
		bad = append(bad, fmt.Sprintf("exit code %d", code))
	}
	for _, s := range crashText {
		if i := bytes.Index(output, []byte(s)); i >= 0 {
			bad = append(bad, fmt.Sprintf("%q in the output: %s", s, excerpt(output, i)))
			break
		}
	}
	return strings.Join(bad, "; ")
}

// excerpt is up to 2 KiB of output from i (a little before it).
func excerpt(out []byte, i int) string {
	i = max(0, i-200)
	return string(out[i:min(len(out), i+2048)])
}

// runner runs tend with args and returns its exit code and output.
type runner func(args ...string) (int, []byte)

// run makes mutant n and runs validate, then plan when it validated.
func (c *Config) run(g *Generator, n int, tend runner) Outcome {
	start := time.Now()
	m := g.Mutant(n)
	o := Outcome{N: n, Op: m.Op, Plan: -1}
	dir := filepath.Join(c.Dir, fmt.Sprintf("mutant-%d", n))
	defer os.RemoveAll(dir)
	if err := m.Write(dir); err != nil {
		o.Problem = "writing the mutant: " + err.Error()
		return o
	}
	code, out := tend("validate", "--repo", dir)
	o.Validate = code
	if p := Check(code, out); p != "" {
		o.Problem = "validate: " + p
	} else if code == 0 && n%max(c.PlanEvery, 1) == 0 {
		code, out = tend("plan", "--repo", dir, "--node", c.Node, "--root", c.Root,
			"--state-dir", filepath.Join(c.Dir, "no-state"), "--parallel", "2")
		o.Plan = code
		if p := Check(code, out); p != "" {
			o.Problem = "plan: " + p
		}
	}
	if o.Problem != "" {
		o.Problem = m.String() + ": " + o.Problem
	}
	o.Seconds = time.Since(start).Seconds()
	return o
}

// Sample runs mutants ns through the tend executable at path, one after
// the other, each command killed after timeout.
func Sample(cfg Config, path string, ns []int, timeout time.Duration) ([]Outcome, error) {
	g, err := cfg.Generator()
	if err != nil {
		return nil, err
	}
	tend := binary(path, timeout)
	outs := make([]Outcome, len(ns))
	for i, n := range ns {
		outs[i] = cfg.run(g, n, tend)
	}
	return outs, nil
}

// Main is tend's command line in process (agent/cli.Main).
type Main func(args []string, stdout, stderr io.Writer) int

// inProcess runs tend's CLI in this process. A panic that reaches it is
// returned as exit code -1 with the panic and its stack as output.
func inProcess(main Main) runner {
	return func(args ...string) (code int, out []byte) {
		var w lockedBuffer
		defer func() {
			if p := recover(); p != nil {
				code = -1
				fmt.Fprintf(&w, "panic: %v\n%s", p, debug.Stack())
			}
			out = w.Bytes()
		}()
		return main(args, &w, &w), nil
	}
}

// binary runs the tend executable at path, killing it (and its process
// group) after timeout. Death by a signal is exit code -1.
func binary(path string, timeout time.Duration) runner {
	return func(args ...string) (int, []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, path, args...)
		var w lockedBuffer
		cmd.Stdout, cmd.Stderr = &w, &w
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case ctx.Err() != nil:
			fmt.Fprintf(&w, "\n(killed: no exit within %s)", timeout)
			return -1, w.Bytes()
		case errors.As(err, &exit):
			return exit.ExitCode(), w.Bytes()
		case err != nil:
			fmt.Fprintf(&w, "\n%v", err)
			return -1, w.Bytes()
		}
		return 0, w.Bytes()
	}
}

// lockedBuffer is a buffer stdout and stderr may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
