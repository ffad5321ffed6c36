package mutants

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// WorkerEnv is the environment variable that makes a process started by
// Supervise a worker: it holds the Config as JSON.
const WorkerEnv = "TEND_MUTANTS_WORKER"

// Serve is a worker's main loop: it reads mutant numbers from in, one a
// line, runs tend's CLI in process on each and writes one JSON Outcome a
// line to out.
func Serve(cfg Config, main Main, in io.Reader, out io.Writer) error {
	g, err := cfg.Generator()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		if err != nil {
			return err
		}
		if err := enc.Encode(cfg.run(g, n, inProcess(main))); err != nil {
			return err
		}
	}
	return sc.Err()
}

// ServeEnv is Serve for a worker process: the Config from WorkerEnv,
// mutant numbers on stdin, outcomes on file descriptor 3 (tend's own
// output stays on stdout and stderr). It returns the exit code.
func ServeEnv(main Main) int {
	var cfg Config
	if err := json.Unmarshal([]byte(os.Getenv(WorkerEnv)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "mutants worker:", err)
		return 3
	}
	if err := Serve(cfg, main, os.Stdin, os.NewFile(3, "outcomes")); err != nil {
		fmt.Fprintln(os.Stderr, "mutants worker:", err)
		return 3
	}
	return 0
}

// Supervisor runs mutants in worker processes.
type Supervisor struct {
	Config Config
	// Workers is how many worker processes run at once.
	Workers int
	// Timeout bounds one mutant (validate and plan).
	Timeout time.Duration
	// Command returns the worker command (a binary that calls ServeEnv
	// when WorkerEnv is set).
	Command func() *exec.Cmd
}

// Run runs mutants 0..count-1 and returns their outcomes, in order.
func (s *Supervisor) Run(count int) ([]Outcome, error) {
	g, err := s.Config.Generator()
	if err != nil {
		return nil, err
	}
	outs := make([]Outcome, count)
	next := make(chan int)
	go func() {
		for n := range count {
			next <- n
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range max(s.Workers, 1) {
		wg.Go(func() {
			var w *worker
			defer func() { w.stop() }()
			for n := range next {
				outs[n], w = s.one(g, w, n)
			}
		})
	}
	wg.Wait()
	return outs, nil
}

// one runs mutant n on w (started if nil) and returns the worker to use
// next: nil when w crashed or hung and was stopped.
func (s *Supervisor) one(g *Generator, w *worker, n int) (Outcome, *worker) {
	if w == nil {
		var err error
		if w, err = s.start(); err != nil {
			return Outcome{N: n, Op: g.Mutant(n).Op, Problem: "starting a worker: " + err.Error()}, nil
		}
	}
	w.out.reset()
	start := time.Now()
	fmt.Fprintln(w.in, n)
	select {
	case line, ok := <-w.results:
		var o Outcome
		if ok && json.Unmarshal(line, &o) == nil {
			return o, w
		}
		state := w.stop()
		return s.failed(g, n, start, fmt.Sprintf("tend crashed (%s): %s", state, w.out.bytes())), nil
	case <-time.After(s.Timeout):
		w.stop()
		return s.failed(g, n, start, fmt.Sprintf("no answer within %s: %s", s.Timeout, w.out.bytes())), nil
	}
}

func (s *Supervisor) failed(g *Generator, n int, start time.Time, why string) Outcome {
	m := g.Mutant(n)
	return Outcome{N: n, Op: m.Op, Validate: -1, Plan: -1, Problem: m.String() + ": " + why,
		Seconds: time.Since(start).Seconds()}
}

// worker is one worker process.
type worker struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	results chan []byte // closed when the worker's outcome pipe closes
	out     *headBuffer // the worker's stdout and stderr for this mutant
}

func (s *Supervisor) start() (*worker, error) {
	cfg, err := json.Marshal(s.Config)
	if err != nil {
		return nil, err
	}
	cmd := s.Command()
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, WorkerEnv+"="+string(cfg))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	w := &worker{cmd: cmd, results: make(chan []byte), out: &headBuffer{max: 32 << 10}}
	cmd.Stdout, cmd.Stderr = w.out, w.out
	r, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{pw}
	if w.in, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	err = cmd.Start()
	pw.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	go func() {
		defer close(w.results)
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			w.results <- append([]byte(nil), sc.Bytes()...)
		}
	}()
	return w, nil
}

// stop kills the worker's process group and says how it ended.
func (w *worker) stop() string {
	if w == nil {
		return ""
	}
	w.in.Close()
	_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
	err := w.cmd.Wait()
	for range w.results { // let the reader finish
	}
	if err != nil {
		return err.Error()
	}
	return "exit status 0"
}

// headBuffer keeps the first max bytes written to it since reset.
type headBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.b = h.b[:0]
}

func (h *headBuffer) bytes() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return string(h.b)
}
