package report

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// Files in the state directory.
const (
	ReportsDir  = "reports"
	SummaryFile = "last_run_summary.json"
)

// DefaultKeep is how many reports are kept.
const DefaultKeep = 100

// LastRunSummary is the short file monitoring reads.
type LastRunSummary struct {
	// FormatVersion is the report's: the summary changes with it.
	FormatVersion int       `json:"format_version"`
	RunID         string    `json:"run_id"`
	Node          string    `json:"node"`
	Source        Source    `json:"source"`
	Finished      time.Time `json:"finished"`
	Duration      float64   `json:"duration_seconds"`
	Summary       Summary   `json:"summary"`
	ExitCode      int       `json:"exit_code"`
	Report        string    `json:"report"`
	// InternalError is the report's: tend crashed (see Report).
	InternalError string `json:"internal_error,omitempty"`
}

// Write stores the report and the last run summary in the state
// directory (both root-only) and prunes reports beyond keep. It returns
// the report's path. What is in the way is moved aside (NAME.damaged-TIME)
// rather than blocking: a file where the reports directory belongs, a
// directory where the summary belongs; a damaged summary is simply
// replaced, and pruning is best effort.
func Write(stateDir string, r *Report, keep int) (string, error) {
	top, err := atomicfile.MakeDirs(stateDir, "", 0o700)
	if err != nil {
		return "", err
	}
	defer top.Close()
	if err := clearWay(top, ReportsDir, true); err != nil {
		return "", err
	}
	dir, err := atomicfile.MakeDirs(stateDir, ReportsDir, 0o700)
	if err != nil {
		return "", err
	}
	defer dir.Close()
	name := r.Started.UTC().Format("20060102T150405.000Z") + "-" + r.RunID + ".json"
	path := filepath.Join(stateDir, ReportsDir, name)
	b, err := encode(r)
	if err != nil {
		return "", err
	}
	if err := writeFile(dir, name, b); err != nil {
		return "", err
	}
	src := r.Source
	src.Why = resources.Bound(src.Why, whyLimit)
	sum := LastRunSummary{
		FormatVersion: FormatVersion, RunID: r.RunID, Node: r.Node, Source: src, Summary: r.Summary, ExitCode: r.ExitCode,
		Finished: r.Started.Add(time.Duration(r.DurationSec * float64(time.Second))).UTC(),
		Duration: r.DurationSec, Report: path, InternalError: resources.Bound(r.InternalError, whyLimit),
	}
	if err := clearWay(top, SummaryFile, false); err != nil {
		return path, err
	}
	if err := writeJSON(top, SummaryFile, sum); err != nil {
		return path, err
	}
	prune(dir, keep)
	return path, nil
}

// clearWay moves aside whatever is at name in d and is not what belongs
// there (a directory when wantDir, else a regular file).
func clearWay(d *atomicfile.Dir, name string, wantDir bool) error {
	fi, err := d.Lstat(name)
	if err != nil || wantDir && fi.IsDir() || !wantDir && fi.Mode().IsRegular() {
		return nil // missing (created next), or as it should be
	}
	if _, err := d.MoveAside(name); err != nil {
		return fmt.Errorf("%s is in the way and cannot be moved aside: %w (remove it)", d.Name(name), err)
	}
	return nil
}

func writeJSON(dir *atomicfile.Dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(dir, name, b)
}

func writeFile(dir *atomicfile.Dir, name string, b []byte) error {
	return dir.WriteFile(name, append(b, '\n'), atomicfile.Options{Mode: 0o600})
}

// prune removes the oldest reports beyond keep, then the oldest while
// the reports kept add up to more than MaxKeptSize (the newest stays);
// names sort by time. It is best effort: what it cannot read or remove
// stays, and never fails the run that wrote its report.
func prune(dir *atomicfile.Dir, keep int) {
	if keep <= 0 {
		keep = DefaultKeep
	}
	entries, err := dir.ReadDir()
	if err != nil {
		return
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".json") && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for len(names) > keep {
		_ = dir.Remove(names[0])
		names = names[1:]
	}
	sizes := make([]int64, len(names))
	var total int64
	for i, n := range names {
		if fi, err := dir.Lstat(n); err == nil {
			sizes[i] = fi.Size()
			total += sizes[i]
		}
	}
	for i := 0; total > MaxKeptSize && i < len(names)-1; i++ {
		_ = dir.Remove(names[i])
		total -= sizes[i]
	}
}

// Failure is a run that could not write its own report: tend crashed.
type Failure struct {
	RunID, Node, Root string
	Source            Source
	Started           time.Time
	// Error says what happened, in a line or a few: it becomes the
	// report's and the summary's InternalError.
	Error string
	// Detail is the longer account (the crash's first lines), bounded.
	Detail   string
	ExitCode int
}

// WriteFailure records a run that ended without a report of its own, so
// that the last run summary — and `tend check` and the metrics after it —
// say the run failed instead of showing the run before it. It is the one
// place such a run is recorded.
func WriteFailure(stateDir string, f Failure) (string, error) {
	if f.Started.IsZero() {
		f.Started = time.Now()
	}
	r := &Report{
		FormatVersion: FormatVersion, RunID: f.RunID, Node: f.Node, Source: f.Source, Root: f.Root,
		Started: f.Started.UTC(), DurationSec: time.Since(f.Started).Seconds(),
		InternalError: bound(f.Error), Kinds: map[string]KindTiming{}, ExitCode: f.ExitCode,
	}
	if f.Detail != "" {
		r.Errors = []string{bound(f.Detail)}
	}
	return Write(stateDir, r, DefaultKeep)
}
