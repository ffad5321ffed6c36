package report

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tendhq/tend/providers/files/atomicfile"
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
	if err := writeJSON(dir, name, r); err != nil {
		return "", err
	}
	sum := LastRunSummary{
		RunID: r.RunID, Node: r.Node, Source: r.Source, Summary: r.Summary, ExitCode: r.ExitCode,
		Finished: r.Started.Add(time.Duration(r.DurationSec * float64(time.Second))).UTC(),
		Duration: r.DurationSec, Report: path,
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
	return dir.WriteFile(name, append(b, '\n'), atomicfile.Options{Mode: 0o600})
}

// prune removes the oldest reports beyond keep; names sort by time.
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
	return nil
}
