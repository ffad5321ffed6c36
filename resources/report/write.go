package report

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tendhq/tend/providers/files/atomicfile"
	"github.com/tendhq/tend/resources"
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
	RunID    string    `json:"run_id"`
	Node     string    `json:"node"`
	Source   Source    `json:"source"`
	Finished time.Time `json:"finished"`
	Duration float64   `json:"duration_seconds"`
	Summary  Summary   `json:"summary"`
	ExitCode int       `json:"exit_code"`
	Report   string    `json:"report"`
	// InternalError is the report's: tend crashed (see Report).
	InternalError string `json:"internal_error,omitempty"`
}

// Write stores the report and the last run summary in the state
// directory (both root-only) and prunes reports beyond keep. It returns
// the report's path.
func Write(stateDir string, r *Report, keep int) (string, error) {
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
		RunID: r.RunID, Node: r.Node, Source: src, Summary: r.Summary, ExitCode: r.ExitCode,
		Finished: r.Started.Add(time.Duration(r.DurationSec * float64(time.Second))).UTC(),
		Duration: r.DurationSec, Report: path, InternalError: resources.Bound(r.InternalError, whyLimit),
	}
	top, err := atomicfile.MakeDirs(stateDir, "", 0o700)
	if err != nil {
		return path, err
	}
	defer top.Close()
	if err := writeJSON(top, SummaryFile, sum); err != nil {
		return path, err
	}
	return path, prune(dir, keep)
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
// names sort by time.
func prune(dir *atomicfile.Dir, keep int) error {
	if keep <= 0 {
		keep = DefaultKeep
	}
	entries, err := dir.ReadDir()
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for len(names) > keep {
		if err := dir.Remove(names[0]); err != nil {
			return err
		}
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
		if err := dir.Remove(names[i]); err != nil {
			return err
		}
		total -= sizes[i]
	}
	return nil
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
