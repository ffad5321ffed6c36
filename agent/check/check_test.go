package check

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/resources/report"
)

var (
	lineRE = regexp.MustCompile(`^TEND (OK|WARNING|CRITICAL|UNKNOWN) - ([^|\n]+?)(?: \| (.+))?$`)
	// 'label'=value[UOM];[warn];[crit];[min];[max], label quoted when it
	// has spaces, no = or ' inside; UOM as the guidelines list them.
	perfRE = regexp.MustCompile(`^('[^'=]+'|[^'= ]+)=(-?[0-9.]+)(s|ms|us|%|B|KB|MB|TB|c)?(?:;(-?[0-9.]*)(?:;(-?[0-9.]*)(?:;(-?[0-9.]*)(?:;(-?[0-9.]*))?)?)?)?$`)
)

// parsePlugin checks a line against the Nagios plugin guidelines and
// returns its status word and perfdata by label.
func parsePlugin(line string) (string, map[string]float64, error) {
	m := lineRE.FindStringSubmatch(line)
	if m == nil {
		return "", nil, fmt.Errorf("not plugin output: %q", line)
	}
	perf := map[string]float64{}
	if m[3] == "" {
		return m[1], perf, nil
	}
	for _, p := range strings.Split(m[3], " ") {
		pm := perfRE.FindStringSubmatch(p)
		if pm == nil {
			return "", nil, fmt.Errorf("bad perfdata %q", p)
		}
		v, err := strconv.ParseFloat(pm[2], 64)
		if err != nil {
			return "", nil, err
		}
		perf[strings.Trim(pm[1], "'")] = v
	}
	return m[1], perf, nil
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func summary(age time.Duration, failed int, lkg bool) *report.LastRunSummary {
	return &report.LastRunSummary{
		RunID: "r1", Node: "mx1", Finished: now.Add(-age), Duration: 1.25,
		Source:  report.Source{ID: "0123456789abcdef0123", LastKnownGood: lkg, Why: "signature | by unknown key"},
		Summary: report.Summary{Total: 5, Changed: 1, Failed: failed},
	}
}

func crashed() *report.LastRunSummary {
	s := summary(time.Minute, 0, false)
	s.ExitCode, s.Report, s.InternalError = report.ExitInternal, "r.json", "internal error: tend exited 2 without finishing: fatal error: stack overflow"
	return s
}

func TestStates(t *testing.T) {
	off := &disable.State{Who: "alice", Reason: "kernel upgrade", Since: now.Add(-8 * time.Hour)}
	for _, c := range []struct {
		name   string
		in     Input
		th     Thresholds
		status Status
		says   string
	}{
		{"ok", Input{Summary: summary(10*time.Minute, 0, false)}, Thresholds{}, OK, "last run 10m0s ago on commit 0123456789ab: 1 changed, 0 failed"},
		{"failed", Input{Summary: summary(time.Minute, 2, false)}, Thresholds{}, Critical, "2 resource(s) failed"},
		{"failed as warning", Input{Summary: summary(time.Minute, 2, false)}, Thresholds{FailuresWarn: true}, Warning, "2 resource(s) failed"},
		{"old", Input{Summary: summary(3*time.Hour, 0, false)}, Thresholds{}, Warning, "last run is 3h0m0s old (warning over 2h0m0s)"},
		{"very old", Input{Summary: summary(7*time.Hour, 0, false)}, Thresholds{}, Critical, "critical over 6h0m0s"},
		{"own thresholds", Input{Summary: summary(20*time.Minute, 0, false)}, Thresholds{WarnAge: 5 * time.Minute, CritAge: 15 * time.Minute}, Critical, "critical over 15m0s"},
		{"last known good", Input{Summary: summary(time.Minute, 0, true)}, Thresholds{}, Warning, "last known good commit, not the source's tip: signature / by unknown key"},
		{"disabled", Input{Summary: summary(7*time.Hour, 0, false), Disabled: off}, Thresholds{}, Warning, "agent disabled by alice since 2026-03-01T04:00:00Z: kernel upgrade (until enabled)"},
		{"crashed", Input{Summary: crashed()}, Thresholds{FailuresWarn: true}, Critical, "tend crashed in the last run (exit code 70, report r.json): internal error: tend exited 2"},
		{"never ran", Input{SummaryErr: fs.ErrNotExist}, Thresholds{}, Unknown, "cannot read the last run summary"},
		{"no summary", Input{}, Thresholds{}, Unknown, "no run recorded yet"},
		{"unreadable disable", Input{Summary: summary(time.Minute, 0, false), DisabledErr: errors.New("bad json")}, Thresholds{}, Unknown, "cannot read the disable state: bad json"},
		{"run never finished", Input{Summary: summary(time.Minute, 0, false), Run: runlock.Status{Last: &runlock.Record{PID: 42, Command: "tend apply", Since: now}}}, Thresholds{}, Critical, "the last run (pid 42, tend apply, since 2026-03-01T12:00:00Z) never finished"},
		{"run in progress", Input{Summary: summary(time.Minute, 0, false), Run: runlock.Status{Running: true, Last: &runlock.Record{PID: 42, Command: "tend agent", Since: now}}}, Thresholds{}, OK, "a run is in progress (pid 42, tend agent"},
		{"run finished", Input{Summary: summary(time.Minute, 0, false), Run: runlock.Status{Last: &runlock.Record{PID: 42, Command: "tend agent", Since: now, Finished: now}}}, Thresholds{}, OK, "last run 1m0s ago"},
		{"state unwritable", Input{Summary: summary(time.Minute, 0, false), Unwritable: errors.New("/var/lib/tend: read-only file system")}, Thresholds{}, Critical, "runs cannot record themselves: /var/lib/tend: read-only file system"},
		{"lock file damaged", Input{Summary: summary(time.Minute, 0, false), RunErr: errors.New("run.lock is damaged")}, Thresholds{}, Unknown, "cannot tell whether the last run finished: run.lock is damaged"},
		{"disabled after a manual run", Input{Summary: summary(time.Minute, 0, false), Disabled: off, Run: runlock.Status{Last: &runlock.Record{PID: 42, Command: "tend apply", Since: now, Finished: now}}}, Thresholds{}, Warning, "agent disabled by alice"},
		{"failure beats unknown", Input{Summary: summary(time.Minute, 1, false), DisabledErr: errors.New("x")}, Thresholds{}, Critical, "1 resource(s) failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.in.Now = now
			r := Evaluate(c.in, c.th)
			line := r.String()
			word, perf, err := parsePlugin(line)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != c.status || word != c.status.String() || !strings.Contains(line, c.says) {
				t.Fatalf("got %q, want %s saying %q", line, c.status, c.says)
			}
			if c.in.Summary != nil && (perf["failed"] != float64(c.in.Summary.Summary.Failed) || perf["changed"] != 1 || perf["duration"] != 1.25) {
				t.Fatalf("perfdata %v in %q", perf, line)
			}
		})
	}
}

func TestPerfdataForm(t *testing.T) {
	r := Evaluate(Input{Summary: summary(90*time.Second, 0, false), Now: now}, Thresholds{})
	want := " | 'age'=90s;7200;21600;0; 'changed'=1;;;0; 'failed'=0;;;0; 'skipped'=0;;;0; 'duration'=1.250s;;;0;"
	if !strings.HasSuffix(r.String(), want) {
		t.Fatalf("%q\nwant suffix %q", r.String(), want)
	}
}

func TestParserRejects(t *testing.T) {
	for _, bad := range []string{
		"TEND FINE - x",
		"TEND OK x",
		"TEND OK - a | b | age=1s",
		"TEND OK - a | age=1sec",
		"TEND OK - a | age 1s",
		"TEND OK - a\nmore",
	} {
		if _, _, err := parsePlugin(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
