package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// sample is one run of the tend binary.
type sample struct {
	wall      time.Duration
	user, sys time.Duration
	// maxRSS is the child's peak resident set in bytes.
	maxRSS int64
}

// series is several runs of one measurement.
type series []sample

// median is the median wall time (the mean of the middle two for an even
// count).
func (s series) median() time.Duration {
	return medianOf(s.walls())
}

func (s series) walls() []time.Duration {
	out := make([]time.Duration, len(s))
	for i, x := range s {
		out[i] = x.wall
	}
	return out
}

// cpu is the median user+sys CPU time.
func (s series) cpu() time.Duration {
	out := make([]time.Duration, len(s))
	for i, x := range s {
		out[i] = x.user + x.sys
	}
	return medianOf(out)
}

// peakRSS is the highest peak RSS over the runs.
func (s series) peakRSS() int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.maxRSS)
	}
	return m
}

func medianOf(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	m := len(ds) / 2
	if len(ds)%2 == 0 {
		return (ds[m-1] + ds[m]) / 2
	}
	return ds[m]
}

// runner runs the tend binary.
type runner struct {
	tend string
	// logDir receives each run's stdout and stderr.
	logDir string
}

// run starts tend with args, waits for it and checks its exit code. The
// child writes to files, not pipes, so no goroutine of ours copies its
// output while it is being timed.
func (r *runner) run(args []string, wantExit int) (sample, error) {
	outPath := filepath.Join(r.logDir, "last.out")
	out, err := os.Create(outPath)
	if err != nil {
		return sample{}, err
	}
	defer out.Close()
	cmd := exec.Command(r.tend, args...)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	err = cmd.Wait()
	wall := time.Since(start)
	st := cmd.ProcessState
	if st == nil {
		return sample{}, err
	}
	if code := st.ExitCode(); code != wantExit {
		return sample{}, fmt.Errorf("tend %v: exit code %d, want %d; output ends:\n%s", args, code, wantExit, tail(outPath, 15))
	}
	s := sample{wall: wall, user: st.UserTime(), sys: st.SystemTime()}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		s.maxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return s, nil
}

// repeat runs tend runs times after warm untimed runs, each preceded by
// before (not timed) when it is not nil.
func (r *runner) repeat(args []string, wantExit, warm, runs int, before func() error) (series, error) {
	var s series
	for i := 0; i < warm+runs; i++ {
		if before != nil {
			if err := before(); err != nil {
				return nil, err
			}
		}
		x, err := r.run(args, wantExit)
		if err != nil {
			return nil, err
		}
		if i >= warm {
			s = append(s, x)
		}
	}
	return s, nil
}

// floor times the floor pass over a workspace's tree: the median of runs
// single passes, after one warm pass.
func floor(w *workspace, runs int) (time.Duration, error) {
	dirs, files := managedPaths(w.root, w.n)
	if _, err := floorPass(dirs, files); err != nil {
		return 0, err
	}
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		if _, err := floorPass(dirs, files); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(start))
	}
	return medianOf(ds), nil
}
