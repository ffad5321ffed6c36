package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/logging"
	"github.com/tendhq/tend/agent/metrics"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/agent/units"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/report"
)

// opsFlags are tend agent's flags for scheduling and telemetry.
type opsFlags struct {
	daemon      daemonFlags
	metricsFile string
	// intervalGiven says --interval was given: tend.service passes the
	// timer's, so that a run the timer starts knows its schedule.
	intervalGiven bool
}

// metricsOut is the metrics file and what only the command line knows
// for it.
type metricsOut struct {
	path string
	// interval is the schedule's; zero when unknown (a run by hand).
	interval time.Duration
}

// metrics is where the metrics go and the schedule they state: the
// daemon's loop, or the timer's interval tend.service passes.
func (o *opsFlags) metrics() metricsOut {
	m := metricsOut{path: o.metricsFile}
	switch {
	case o.daemon.on && o.daemon.interval <= 0:
		m.interval = units.DefaultInterval // what the loop runs on
	case o.daemon.on || o.intervalGiven:
		m.interval = max(o.daemon.interval, 0)
	}
	return m
}

func (o *opsFlags) add(fs *pflag.FlagSet) {
	o.daemon.add(fs)
	fs.StringVar(&o.metricsFile, "metrics-file", metrics.DefaultPath, "node_exporter textfile to write after each run, when its directory exists (\"\" for none)")
}

// skipDisabled says whether the agent is disabled, and then logs and
// prints who disabled it, why and until when; the run exits with code.
// An expired disable is lifted here and said so, once.
func skipDisabled(env *cmdEnv, log *slog.Logger, lock *runlock.Lock, stateDir string, out metricsOut) (code int, skip bool) {
	active, lifted, err := disable.Check(stateDir, time.Now())
	switch {
	case err != nil:
		fmt.Fprintf(env.stderr, "tend agent: %v; not running\n", err)
		log.Error("cannot read the disable state; not running", "err", err.Error())
		return finished(env, lock, exitUsage), true
	case lifted != nil:
		fmt.Fprintf(env.stdout, "The disable has expired and is lifted (it was %s).\n", lifted)
		log.Info("disable expired and lifted", "who", lifted.Who, "reason", lifted.Reason, "until", lifted.Until)
	case active != nil:
		fmt.Fprintf(env.stderr, "tend agent: %s; not running (tend enable lifts it)\n", active)
		log.Warn("agent disabled; not running", "who", active.Who, "reason", active.Reason, "since", active.Since, "until", active.Until)
		code := finished(env, lock, disable.ExitDisabled)
		writeMetrics(env, log, stateDir, out)
		return code, true
	}
	return 0, false
}

// recordRun logs the finished run and its resources' results, and
// writes the metrics.
func recordRun(env *cmdEnv, log *slog.Logger, stateDir string, out metricsOut, code int) {
	sum, err := report.ReadSummary(stateDir)
	if err != nil {
		log.Error("run finished without a report", "exit_code", code, "err", err.Error())
		writeMetrics(env, log, stateDir, out)
		return
	}
	run := log.With("run_id", sum.RunID, "node", sum.Node, "commit", sum.Source.ID)
	for _, e := range reportEntries(sum.Report) {
		switch e.Status {
		case engine.Changed:
			run.Info("resource changed", "resource", e.Address, "action", e.Action, "reason", e.Reason)
		case engine.Failed:
			run.Error("resource failed", "resource", e.Address, "action", e.Action, "err", e.Error)
		case engine.Skipped:
			run.Warn("resource skipped", "resource", e.Address, "reason", e.SkippedBy)
		}
	}
	level, attrs := slog.LevelInfo, []any{"exit_code", code, "changed", sum.Summary.Changed,
		"failed", sum.Summary.Failed, "skipped", sum.Summary.Skipped, "duration_seconds", sum.Duration}
	if sum.Source.LastKnownGood {
		level, attrs = slog.LevelWarn, append(attrs, "last_known_good", true, "why", sum.Source.Why)
	}
	if sum.Summary.Failed > 0 {
		level = slog.LevelError
	}
	run.Log(context.Background(), level, "run finished", attrs...)
	writeMetrics(env, log, stateDir, out)
}

// reportEntries reads a run's resources back from its report.
func reportEntries(path string) []report.Entry {
	var r report.Report
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &r)
	}
	return r.Resources
}

// writeMetrics writes the textfile when its directory exists: without
// node_exporter there is no one to read it.
func writeMetrics(env *cmdEnv, log *slog.Logger, stateDir string, out metricsOut) {
	if out.path == "" {
		return
	}
	if _, err := os.Stat(filepath.Dir(out.path)); errors.Is(err, fs.ErrNotExist) {
		return
	}
	m, err := metrics.Collect(stateDir, time.Now())
	if err == nil {
		m.Interval = out.interval
		err = metrics.Write(out.path, m)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "tend agent: metrics: %v\n", err)
		log.Error("cannot write the metrics", "path", out.path, "err", err.Error())
	}
}

// agentLogger logs to the journal, or to the command's stderr.
func agentLogger(env *cmdEnv) *slog.Logger {
	return logging.New(logging.Options{Stderr: env.stderr})
}
