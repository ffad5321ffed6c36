package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/tendhq/tend/resources/report"
)

// DefaultPath is where Debian's prometheus-node-exporter looks for
// textfiles.
const DefaultPath = "/var/lib/prometheus/node-exporter/tend.prom"

// Run is what the metrics say. The zero value says: no run recorded yet,
// not disabled.
type Run struct {
	// Summary is the last run; nil when there has been none.
	Summary *report.LastRunSummary
	// Disable is the disable in force; nil when the agent is enabled.
	Disable *disable.State
	// Interval is the schedule's time between the starts of two runs;
	// zero when the agent does not know it (a run started by hand).
	Interval time.Duration
	// Unfinished says the last run started and never recorded its
	// result (killed, or its report could not be written), or that the
	// run lock file is damaged and cannot tell.
	Unfinished bool
	// Unwritable says runs cannot write the state directory.
	Unwritable bool
}

// Format renders the metrics in the Prometheus text exposition format.
func Format(r Run) []byte {
	var w writer
	w.disabled(r.Disable)
	if r.Interval > 0 {
		w.gauge("tend_agent_interval_seconds", "The schedule's time between the starts of two runs.", "", r.Interval.Seconds())
	}
	w.gauge("tend_last_run_unfinished", "Whether the last run started and never recorded its result (killed, or its report could not be written).", "", flag(r.Unfinished))
	w.gauge("tend_state_dir_writable", "Whether runs can write the state directory (and so record themselves).", "", flag(!r.Unwritable))
	s := r.Summary
	if s == nil {
		return w.Bytes()
	}
	w.gauge("tend_last_run_timestamp_seconds", "When the last run finished.", "", seconds(s.Finished))
	w.gauge("tend_last_run_duration_seconds", "How long the last run took.", "", s.Duration)
	w.gauge("tend_last_run_exit_code", "The last run's exit code.", "", float64(s.ExitCode))
	w.header("tend_last_run_resources", "Resources of the last run by result.")
	for _, c := range []struct {
		result string
		n      int
	}{{"total", s.Summary.Total}, {"changed", s.Summary.Changed}, {"failed", s.Summary.Failed}, {"skipped", s.Summary.Skipped}, {"unchanged", s.Summary.Unchanged}} {
		w.sample("tend_last_run_resources", labels("result", c.result), float64(c.n))
	}
	w.gauge("tend_last_run_internal_error", "Whether tend crashed in the last run (exit code 70).", "",
		flag(s.InternalError != "" || s.ExitCode == report.ExitInternal))
	w.gauge("tend_last_run_stale_config", "Whether the last run applied the last known good commit instead of the source's tip.", "", flag(s.Source.LastKnownGood))
	w.gauge("tend_last_run_info", "The configuration the last run applied (always 1).",
		labels("node", s.Node, "commit", s.Source.ID, "signer", s.Source.Signer), 1)
	return w.Bytes()
}

// reasonBound bounds the disable's reason as a label value.
const reasonBound = 1 << 10

// disabled writes whether the agent is disabled and, when it is, who
// disabled it, why, since and until when.
func (w *writer) disabled(d *disable.State) {
	w.gauge("tend_disabled", "Whether the agent is disabled (tend disable).", "", flag(d != nil))
	if d == nil {
		return
	}
	w.gauge("tend_disabled_info", "Who disabled the agent and why (always 1).",
		labels("who", d.Who, "reason", resources.Bound(d.Reason, reasonBound)), 1)
	w.gauge("tend_disabled_since_timestamp_seconds", "When the agent was disabled.", "", seconds(d.Since))
	if !d.Until.IsZero() {
		w.gauge("tend_disabled_until_timestamp_seconds", "When the disable lifts by itself.", "", float64(d.Until.Unix()))
	}
}

// Collect gathers the metrics from the state directory: the last run
// summary (none yet is not an error), the disable in force at now, and
// whether the last run recorded itself. The interval is the caller's to
// set: only the agent command knows its schedule.
func Collect(stateDir string, now time.Time) (Run, error) {
	var r Run
	st, err := runlock.Peek(stateDir)
	r.Unfinished = err != nil || st.Unfinished()
	r.Unwritable = runlock.Writable(stateDir) != nil
	s, err := report.ReadSummary(stateDir)
	switch {
	case err == nil:
		r.Summary = s
	case !errors.Is(err, fs.ErrNotExist):
		return r, err
	}
	r.Disable, err = disable.Peek(stateDir, now)
	return r, err
}

// Write replaces the file at path with the metrics, readable by all (the
// collector runs unprivileged; nothing here is secret).
func Write(path string, r Run) error {
	return atomicfile.WriteFile(path, Format(r), atomicfile.Options{Mode: 0o644})
}

// writer accumulates exposition lines.
type writer struct{ bytes.Buffer }

func (w *writer) header(name, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
}

func (w *writer) sample(name, labels string, v float64) {
	fmt.Fprintf(w, "%s%s %s\n", name, labels, strconv.FormatFloat(v, 'f', -1, 64))
}

func (w *writer) gauge(name, help, labels string, v float64) {
	w.header(name, help)
	w.sample(name, labels, v)
}

// labels renders name/value pairs, escaped as the format requires.
func labels(kv ...string) string {
	parts := make([]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+`="`+escaper.Replace(kv[i+1])+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

var escaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func seconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}
