package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources/report"
)

var timerunBuild shared

// timerunBinary builds agent/e2e/internal/timerun static, once per test
// binary.
func timerunBinary(t *testing.T) string {
	return timerunBuild.get(t, "timerun", staticBinary("github.com/tendhq/tend/agent/e2e/internal/timerun", "timerun"))
}

// sample is one run of tend inside the container, as timerun saw it, and
// for an apply what its report says.
type sample struct {
	Exit      int   `json:"exit"`
	WallNS    int64 `json:"wall_ns"`
	UserNS    int64 `json:"user_ns"`
	SysNS     int64 `json:"sys_ns"`
	MaxRSSKiB int64 `json:"max_rss_kib"`
	// engine is the report's duration: the engine's walk alone.
	engine  time.Duration
	kinds   map[string]report.KindTiming
	slowest map[string]timedResource
}

// timedResource is one resource's time in a report.
type timedResource struct {
	addr string
	took time.Duration
}

// series is the timed runs of one measurement.
type series []sample

func (s series) median() time.Duration {
	return medianOf(s, func(x sample) time.Duration { return time.Duration(x.WallNS) })
}

func (s series) cpu() time.Duration {
	return medianOf(s, func(x sample) time.Duration { return time.Duration(x.UserNS + x.SysNS) })
}

func (s series) engine() time.Duration {
	return medianOf(s, func(x sample) time.Duration { return x.engine })
}

// kindSeconds is the median over the runs of one kind's time.
func (s series) kindSeconds(kind string) time.Duration {
	return medianOf(s, func(x sample) time.Duration {
		return time.Duration(x.kinds[kind].Seconds * float64(time.Second))
	})
}

// kindSlowest is the median over the runs of the time of the kind's
// slowest resource, and the resource that was slowest most often.
func (s series) kindSlowest(kind string) (time.Duration, string) {
	d := medianOf(s, func(x sample) time.Duration { return x.slowest[kind].took })
	count := map[string]int{}
	best := ""
	for _, x := range s {
		a := x.slowest[kind].addr
		count[a]++
		if count[a] > count[best] {
			best = a
		}
	}
	return d, best
}

func (s series) peakRSS() int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.MaxRSSKiB)
	}
	return m
}

func medianOf(s series, f func(sample) time.Duration) time.Duration {
	if len(s) == 0 {
		return 0
	}
	ds := make([]time.Duration, len(s))
	for i, x := range s {
		ds[i] = f(x)
	}
	slices.Sort(ds)
	m := len(ds) / 2
	if len(ds)%2 == 0 {
		return (ds[m-1] + ds[m]) / 2
	}
	return ds[m]
}

// timed runs `tend CMD` once untimed, then runs times, each of which must
// find nothing to do (exit 0).
func (h *host) timed(cmd string, runs int) series {
	h.t.Helper()
	h.runTimed(cmd)
	var s series
	for range runs {
		s = append(s, h.runTimed(cmd))
	}
	return s
}

// runTimed runs one no-op `tend CMD` and for an apply reads the report it
// wrote.
func (h *host) runTimed(cmd string) sample {
	h.t.Helper()
	x := h.timerun(tendArgs(cmd)...)
	if cmd == "apply" {
		rep := h.lastReport()
		x.engine = time.Duration(rep.DurationSec * float64(time.Second))
		x.kinds = rep.Kinds
		x.slowest = rep.slowest()
	}
	return x
}

func tendArgs(cmd string) []string {
	return []string{"/usr/local/bin/tend", cmd, "--node", catalogNode, "--repo", "/srv/repo"}
}

// timedArgs runs argv once untimed, then runs times.
func (h *host) timedArgs(runs int, argv ...string) series {
	h.t.Helper()
	h.timerun(argv...)
	var s series
	for range runs {
		s = append(s, h.timerun(argv...))
	}
	return s
}

// timerun runs argv inside the container, timed there by timerun, and
// fails the test unless it exits 0.
func (h *host) timerun(argv ...string) sample {
	h.t.Helper()
	const outFile = "/run/tend-bench.out"
	stdout := h.c.Run(h.t, append([]string{"/usr/local/bin/timerun", "-out", outFile, "--"}, argv...)...)
	var x sample
	if err := json.Unmarshal([]byte(stdout), &x); err != nil {
		h.t.Fatalf("timerun printed %q: %v", stdout, err)
	}
	if x.Exit != 0 {
		h.t.Fatalf("%s exited %d, want 0:\n%s", strings.Join(argv, " "), x.Exit, h.sh("cat "+outFile))
	}
	return x
}

// runReport is the part of an apply's report the benchmark reads
// (report.Report itself does not decode: engine.Status only encodes).
type runReport struct {
	DurationSec float64                      `json:"duration_seconds"`
	Kinds       map[string]report.KindTiming `json:"kinds"`
	Resources   []struct {
		Address    string  `json:"address"`
		DurationMS float64 `json:"duration_ms"`
	} `json:"resources"`
}

// slowest is each kind's slowest resource.
func (r runReport) slowest() map[string]timedResource {
	out := map[string]timedResource{}
	for _, e := range r.Resources {
		kind, _, _ := strings.Cut(e.Address, ".")
		d := time.Duration(e.DurationMS * float64(time.Millisecond))
		if d >= out[kind].took {
			out[kind] = timedResource{addr: e.Address, took: d}
		}
	}
	return out
}

// lastReport reads the report of the last apply, named by the last run
// summary in tend's default state directory.
func (h *host) lastReport() runReport {
	h.t.Helper()
	var sum report.LastRunSummary
	h.readJSON(filepath.Join("/var/lib/tend", report.SummaryFile), &sum)
	var rep runReport
	h.readJSON(sum.Report, &rep)
	return rep
}

// readJSON decodes a file of the container's root file system.
func (h *host) readJSON(path string, v any) {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.c.Root(), path))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		h.t.Fatalf("reading %s in the container: %v", path, err)
	}
}

// callLog is where the dpkg-query shim records each call.
const callLog = "/run/dpkg-query.calls"

// installCountingShim diverts the real dpkg-query to dpkg-query.real (as
// a local administrator would, so dpkg knows) and puts a script in its
// place that logs each call to callLog before running the real one.
func installCountingShim(h *host) {
	h.t.Helper()
	h.sh("dpkg-divert --quiet --local --rename --divert /usr/bin/dpkg-query.real --add /usr/bin/dpkg-query")
	// One line per call: printf, not dash's echo, which would turn the
	// \n of a -f format into a second line.
	shim := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + callLog + "\nexec /usr/bin/dpkg-query.real \"$@\"\n"
	if err := os.WriteFile(filepath.Join(h.c.Root(), "usr/bin/dpkg-query"), []byte(shim), 0o755); err != nil {
		h.t.Fatal(err)
	}
	// The shim must be what tend finds, and it must count.
	h.sh(": > " + callLog + "; dpkg-query -W -f='${Package}\\t${Status}\\n' dpkg >/dev/null")
	if got := h.sh("wc -l < " + callLog); got != "1" {
		h.t.Fatalf("the dpkg-query shim logged %s calls for one", got)
	}
}

// countDpkgQuery runs no-op `tend CMD` runs times through the shim and
// returns the dpkg-query calls of each run.
func (h *host) countDpkgQuery(cmd string, runs int) []int {
	h.t.Helper()
	var calls []int
	for range runs {
		h.sh(": > " + callLog)
		h.runTimed(cmd)
		n, err := strconv.Atoi(h.sh("wc -l < " + callLog))
		if err != nil {
			h.t.Fatal(err)
		}
		if n != 1 {
			h.t.Logf("tend %s called dpkg-query %d times:\n%s", cmd, n, h.sh("cat "+callLog))
		}
		calls = append(calls, n)
	}
	return calls
}

func ms(d time.Duration) string {
	if d < time.Millisecond {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
	}
	if d < 10*time.Millisecond {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	}
	return strconv.FormatInt(d.Round(time.Millisecond).Milliseconds(), 10) + " ms"
}

func mib(kib int64) string {
	return strconv.FormatFloat(float64(kib)/1024, 'f', 1, 64) + " MiB"
}
