package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/report"
	"github.com/tendhq/tend/testfixtures/hostile"
)

// written returns a report and the last run summary as Write stores them.
func written(f *testing.F) (rep, summary []byte) {
	res := engine.Result{Outcomes: []engine.Outcome{
		{Addr: "file.a", Status: engine.Changed, Change: resources.Change{Action: resources.Update, Reason: "content differs"}},
		{Addr: "exec.b", Status: engine.Failed, Err: "exit status 1"},
		{Addr: "file.c", Status: engine.Skipped, SkippedBy: "exec.b"},
	}}
	dir := f.TempDir()
	path, err := report.Write(dir, report.New(res, time.Now(), time.Second), 10)
	if err != nil {
		f.Fatal(err)
	}
	if rep, err = os.ReadFile(path); err == nil {
		summary, err = os.ReadFile(filepath.Join(dir, report.SummaryFile))
	}
	if err != nil {
		f.Fatal(err)
	}
	return rep, summary
}

// FuzzReadSummary reads fuzzed bytes as last_run_summary.json, as
// `tend check` and the metrics do.
func FuzzReadSummary(f *testing.F) {
	for _, b := range hostile.JSON("node", "finished", "duration_seconds", "summary", "exit_code", "source") {
		f.Add(b)
	}
	_, summary := written(f)
	f.Add(summary)
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, report.SummaryFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if s, err := report.ReadSummary(dir); err == nil {
			if _, err := json.Marshal(s); err != nil {
				t.Fatalf("a summary read back does not marshal: %v", err)
			}
		}
	})
}

// FuzzReport decodes fuzzed bytes as a run's report, as the agent reads
// its report back to log each resource.
func FuzzReport(f *testing.F) {
	for _, b := range hostile.JSON("resources", "node", "started", "summary", "kinds") {
		f.Add(b)
	}
	f.Add([]byte(`{"resources":[{"address":"a","action":"bogus","status":"bogus"}]}`))
	rep, _ := written(f)
	f.Add(rep)
	f.Fuzz(func(t *testing.T, b []byte) {
		var r report.Report
		if json.Unmarshal(b, &r) != nil {
			return
		}
		if _, err := json.Marshal(&r); err != nil {
			t.Fatalf("a report read back does not marshal: %v", err)
		}
	})
}
