package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tendhq/tend/agent/bench/sysinfo"
)

// config is what the flags ask for.
type config struct {
	out       string
	tend      string
	sizes     []int
	runs      int
	bigRuns   int
	sweep     []int
	sweepAt   []int
	keep      bool
	strict    bool
	floorRuns int
	// engine and validate say which groups of measurements run.
	engine, validate bool
	validateSizes    []int
	validateRuns     int
}

// result is everything measured for one N.
type result struct {
	n                 int
	first, noop, plan series
	floor             time.Duration
	// sweep holds no-op apply and plan per --parallel value, when swept.
	sweep map[int][2]series
}

// perFile spreads a time over n files.
func perFile(d time.Duration, n int) time.Duration { return d / time.Duration(n) }

func main() {
	c := parseFlags()
	scratch, tend, err := prepare(c)
	if err != nil {
		fatalf("%v", err)
	}
	if !c.keep {
		defer os.RemoveAll(scratch)
	}
	pass := true
	if c.engine {
		pass = runEngine(c, scratch, tend) && pass
	}
	if c.validate {
		pass = runValidate(c, scratch, tend) && pass
	}
	if c.strict && !pass {
		os.Exit(1)
	}
}

func parseFlags() config {
	var c config
	var sizes, sweep, sweepAt, groups, validateSizes string
	flag.StringVar(&c.out, "out", "", "write the report to this file (default: standard output)")
	flag.StringVar(&c.tend, "tend", "", "tend binary to measure (default: build ./agent/cmd/tend)")
	flag.StringVar(&groups, "group", "engine,validate", "the groups of measurements to run, comma-separated: engine (rewrites the report but the sections below its notes line), validate (rewrites its own section)")
	flag.StringVar(&sizes, "n", "100,1000,10000", "numbers of managed files, comma-separated")
	flag.StringVar(&validateSizes, "validate-n", "100,1000,3000", "numbers of nodes the validate group generates, comma-separated")
	flag.IntVar(&c.runs, "runs", 5, "timed runs per measurement (median reported)")
	flag.IntVar(&c.bigRuns, "big-runs", 3, "timed first applies for N >= 10000")
	flag.IntVar(&c.validateRuns, "validate-runs", 3, "timed runs of tend validate per fleet")
	flag.IntVar(&c.floorRuns, "floor-runs", 5, "timed floor passes (median reported)")
	flag.StringVar(&sweep, "parallel", "1,4,8", "--parallel values to sweep, comma-separated; empty: none")
	flag.StringVar(&sweepAt, "parallel-at", "1000,10000", "the Ns to sweep --parallel at")
	flag.BoolVar(&c.keep, "keep", false, "keep the scratch directory")
	flag.BoolVar(&c.strict, "strict", false, "exit 1 when a target fails")
	flag.Parse()
	var err error
	if c.sizes, err = ints(sizes); err != nil || len(c.sizes) == 0 {
		fatalf("-n: want a list of positive numbers, got %q", sizes)
	}
	if c.validateSizes, err = ints(validateSizes); err != nil || len(c.validateSizes) == 0 {
		fatalf("-validate-n: want a list of positive numbers, got %q", validateSizes)
	}
	if c.sweep, err = ints(sweep); err != nil {
		fatalf("-parallel: %v", err)
	}
	if c.sweepAt, err = ints(sweepAt); err != nil {
		fatalf("-parallel-at: %v", err)
	}
	if c.runs < 1 || c.bigRuns < 1 || c.floorRuns < 1 || c.validateRuns < 1 {
		fatalf("-runs, -big-runs, -floor-runs and -validate-runs must be at least 1")
	}
	for _, g := range strings.Split(groups, ",") {
		switch strings.TrimSpace(g) {
		case "engine":
			c.engine = true
		case "validate":
			c.validate = true
		default:
			fatalf("-group: unknown group %q; want engine, validate or both", g)
		}
	}
	return c
}

// runEngine measures the engine and writes the report; it says whether
// every target passed.
func runEngine(c config, scratch, tend string) bool {
	rep, err := measure(c, scratch, tend)
	if err != nil {
		fatalf("%v", err)
	}
	md := rep.markdown()
	if c.out == "" {
		fmt.Print(md)
	} else {
		if err := writeReport(c.out, md); err != nil {
			fatalf("%v", err)
		}
		logf("wrote %s", c.out)
	}
	fmt.Fprint(os.Stderr, rep.summary())
	return rep.allPass()
}

// runValidate measures tend validate on fleets and writes its section;
// it says whether every target passed.
func runValidate(c config, scratch, tend string) bool {
	m := describeMachine(tend, scratch)
	r := &runner{tend: tend, logDir: scratch}
	rs, err := measureValidate(r, scratch, c)
	if err != nil {
		fatalf("%v", err)
	}
	section := validateSection(rs, c, m, time.Now().UTC())
	if c.out == "" {
		fmt.Print(section)
	} else {
		if err := writeValidateSection(c.out, section); err != nil {
			fatalf("%v", err)
		}
		logf("wrote the validate section of %s", c.out)
	}
	pass := true
	for _, t := range validateTargets(rs) {
		fmt.Fprintf(os.Stderr, "%-14s %s: %s\n", strings.Trim(t.verdict(), "*"), t.name, t.measured)
		pass = pass && (t.pass == nil || *t.pass)
	}
	return pass
}

// prepare makes the scratch directory and builds tend if needed.
func prepare(c config) (scratch, tend string, err error) {
	if scratch, err = os.MkdirTemp("", "tend-bench-"); err != nil {
		return "", "", err
	}
	if c.keep {
		logf("scratch directory: %s", scratch)
	}
	if tend = c.tend; tend != "" {
		return scratch, tend, nil
	}
	tend = filepath.Join(scratch, "tend")
	logf("building tend")
	cmd := exec.Command("go", "build", "-o", tend, "github.com/tendhq/tend/agent/cmd/tend")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return scratch, "", fmt.Errorf("building tend (run from the module root, or pass -tend): %v", err)
	}
	return scratch, tend, nil
}

// measure measures every N.
func measure(c config, scratch, tend string) (*report, error) {
	r := &runner{tend: tend, logDir: scratch}
	// Load the binary into the page cache before anything is timed.
	if _, err := r.run([]string{"help"}, 0); err != nil {
		return nil, err
	}
	rep := &report{date: time.Now().UTC(), machine: describeMachine(tend, scratch), cfg: c}
	var err error
	rep.fixed, err = measureFixed(r, scratch, c.runs)
	if err != nil {
		return nil, err
	}
	for _, n := range c.sizes {
		res, err := measureN(r, scratch, n, c)
		if err != nil {
			return nil, fmt.Errorf("with %d files: %v", n, err)
		}
		rep.results = append(rep.results, res)
	}
	rep.machine.loadAfter = sysinfo.LoadAvg()
	return rep, nil
}

// measureFixed times the no-op apply of a node managing one directory:
// what a run costs before it has anything to do.
func measureFixed(r *runner, scratch string, runs int) (series, error) {
	w, err := newWorkspace(scratch, 0)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(w.dir)
	if _, err := r.run(w.args("apply", 0), 2); err != nil {
		return nil, err
	}
	s, err := r.repeat(w.args("apply", 0), 0, 1, runs, nil)
	if err == nil {
		logf("fixed cost: no-op apply of one directory %v, %s", ms(s.median()), mib(s.peakRSS()))
	}
	return s, err
}

func measureN(r *runner, scratch string, n int, c config) (*result, error) {
	w, err := newWorkspace(scratch, n)
	if err != nil {
		return nil, err
	}
	if !c.keep {
		defer os.RemoveAll(w.dir)
	}
	res := &result{n: n}
	firstRuns := c.runs
	if n >= 10000 {
		firstRuns = c.bigRuns
	}
	logf("N=%d: first apply x%d", n, firstRuns)
	if res.first, err = r.repeat(w.args("apply", 0), 2, 0, firstRuns, w.reset); err != nil {
		return nil, err
	}
	if err := checkTree(w.root, n); err != nil {
		return nil, fmt.Errorf("after the first apply: %v", err)
	}
	if res.floor, err = floor(w, c.floorRuns); err != nil {
		return nil, err
	}
	logf("N=%d: no-op apply and plan x%d", n, c.runs)
	if res.noop, err = r.repeat(w.args("apply", 0), 0, 1, c.runs, nil); err != nil {
		return nil, err
	}
	if res.plan, err = r.repeat(w.args("plan", 0), 0, 1, c.runs, nil); err != nil {
		return nil, err
	}
	logf("N=%d: first %v, no-op %v (%s), plan %v, floor %v",
		n, ms(res.first.median()), ms(res.noop.median()), mib(res.noop.peakRSS()), ms(res.plan.median()), ms(res.floor))
	if !slices.Contains(c.sweepAt, n) || len(c.sweep) == 0 {
		return res, nil
	}
	res.sweep = map[int][2]series{}
	for _, p := range c.sweep {
		noop, err := r.repeat(w.args("apply", p), 0, 1, c.runs, nil)
		if err != nil {
			return nil, err
		}
		plan, err := r.repeat(w.args("plan", p), 0, 1, c.runs, nil)
		if err != nil {
			return nil, err
		}
		res.sweep[p] = [2]series{noop, plan}
		logf("N=%d --parallel %d: no-op %v, plan %v", n, p, ms(noop.median()), ms(plan.median()))
	}
	return res, nil
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
