package run

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/report"
)

// ApplyOptions say where an apply converges the host, what its report
// says of the configuration, and who watches it.
type ApplyOptions struct {
	Options
	// Root is the root the catalog's kinds work under, as the report
	// names it.
	Root string
	// Source is where the configuration came from (the agent's signed
	// commit); its digest is the catalog's. When it names no repository,
	// the report names Repo and its commit.
	Source report.Source
	// Start is called just before the walk with the run's id and start;
	// the watcher it returns is told how each resource fares. Nil: no
	// watcher.
	Start func(runID string, at time.Time) engine.Watcher
	// InternalError, when set, is why the run before this one crashed
	// tend: the report records the run as failed, whatever it did.
	InternalError string
}

// Applied is what an apply did and where it is recorded.
type Applied struct {
	Result engine.Result // redacted
	Report *report.Report
	Path   string // the report's file; "" when it could not be written
	// ExitCode is the run's exit code (0/2/4/6, plus 8 for a last
	// known good); with the report not written, it counts as a failure.
	ExitCode int
}

// Apply converges the host to the catalog and writes the report. The
// error is about the state directory: with Report nil nothing was
// applied; with Report set the run happened but its report could not be
// written.
func Apply(ctx context.Context, cat *config.Catalog, o ApplyOptions) (Applied, error) {
	if o.Source.Repo == "" {
		o.Source = report.Source{Repo: o.Repo, ID: commit(o.Repo)}
	}
	clearStateDirs(o.StateDir, o.warn)
	if err := sweepState(o.StateDir); err != nil {
		o.warn(err.Error())
	}
	nodes, notifies := engineNodes(cat)
	pending, err := openPending(o.StateDir, notifyTargets(notifies), o.warn)
	if err != nil {
		return Applied{}, err
	}
	blocks, warning, err := engine.OpenBlocks(o.StateDir, true)
	if err != nil {
		return Applied{}, err
	}
	if warning != "" {
		o.warn(warning)
	}
	start, runID := time.Now(), NewRunID()
	var watch engine.Watcher
	if o.Start != nil {
		watch = o.Start(runID, start)
	}
	res := engine.Apply(ctx, nodes, cat.Graph, engine.Options{Parallel: o.Parallel, Pending: pending, Blocks: blocks, Watch: watch})
	return record(cat, o, res, runID, start)
}

// record redacts the result and writes the run's report.
func record(cat *config.Catalog, o ApplyOptions, res engine.Result, runID string, start time.Time) (Applied, error) {
	red := NewRedactor(cat)
	red.result(&res)
	rep := report.New(res, start, time.Since(start))
	rep.RunID, rep.Node, rep.Root = runID, cat.Node, o.Root
	rep.AddSources(cat.Sources())
	rep.Source = o.Source
	rep.Source.Why = red.all.String(rep.Source.Why)
	rep.Source.Digest = cat.Digest
	if rep.Source.LastKnownGood {
		rep.ExitCode |= report.ExitLastKnownGood
	}
	if o.InternalError != "" {
		// The configuration crashed tend: the run fails whatever this
		// one did.
		rep.InternalError, rep.ExitCode = o.InternalError, report.ExitInternal
	}
	a := Applied{Result: res, Report: rep, ExitCode: rep.ExitCode}
	path, err := report.Write(o.StateDir, rep, report.DefaultKeep)
	if err != nil {
		a.ExitCode = report.ExitCode(rep.Summary.Changed > 0, true) | rep.ExitCode&report.ExitLastKnownGood
		return a, fmt.Errorf("writing the report: %w", err)
	}
	a.Path = path
	return a, nil
}

// NewRunID is a new run's id, as reports and crash records name it.
func NewRunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sweepState removes the temporary files interrupted runs left where tend
// writes its own state: the directory itself, reports, map build records
// and every directory of backups (the agent's checkouts are not swept).
func sweepState(dir string) error {
	for sub, below := range map[string]bool{"": false, report.ReportsDir: false, "postfix-maps": false, "backups": true} {
		if _, err := atomicfile.SweepTree(filepath.Join(dir, sub), below); err != nil {
			return err
		}
	}
	return nil
}

// openPending loads the pending refresh events; a damaged file is moved
// aside, with a warning, and every resource something notifies is
// refreshed once instead.
func openPending(stateDir string, targets []string, warn func(string)) (*engine.Pending, error) {
	pending, err := engine.OpenPending(stateDir)
	var damaged *engine.DamagedPending
	if !errors.As(err, &damaged) {
		return pending, err
	}
	pending, aside, err := engine.RecoverPending(stateDir, targets, time.Now())
	if err != nil {
		return nil, err
	}
	warn(fmt.Sprintf("%s was damaged (%v); moved aside to %s; refreshing each of the %d resource(s) something notifies once instead",
		damaged.Path, damaged.Err, aside, len(targets)))
	return pending, nil
}

// stateDirs are the state directory's subdirectories kinds write into.
var stateDirs = []string{"backups", "postfix-maps"}

// clearStateDirs moves aside (NAME.damaged-TIME) whatever is not a
// directory where one of stateDirs belongs, with a warning: a stray file
// there would fail every change that needs the directory, run after run.
func clearStateDirs(stateDir string, warn func(string)) {
	for _, sub := range stateDirs {
		path := filepath.Join(stateDir, sub)
		fi, err := os.Lstat(path)
		if err != nil || fi.IsDir() {
			continue
		}
		aside, err := atomicfile.MoveAside(path)
		if err != nil {
			warn(fmt.Sprintf("%s is not a directory and cannot be moved aside: %v (remove it)", path, err))
			continue
		}
		warn(fmt.Sprintf("%s was not a directory; moved aside to %s", path, aside))
	}
}
