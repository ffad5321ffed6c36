package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
)

func TestWriteKeepsNewestAndSummarizes(t *testing.T) {
	dir := t.TempDir()
	res := engine.Result{Outcomes: []engine.Outcome{
		{Addr: "file.a", Status: engine.Changed, Change: resources.Change{Action: resources.Create}},
		{Addr: "exec.b", Status: engine.Failed, Err: "boom"},
		{Addr: "file.c", Status: engine.Skipped, SkippedBy: "depends on exec.b"},
	}}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var last string
	for i := range 5 {
		r := New(res, start.Add(time.Duration(i)*time.Second), time.Second)
		r.RunID = fmt.Sprintf("run%d", i)
		p, err := Write(dir, r, 3)
		if err != nil {
			t.Fatal(err)
		}
		last = p
	}
	if k := New(res, start, time.Second).Kinds; k["file"].Resources != 2 || k["exec"].Resources != 1 {
		t.Fatalf("per-kind timing %+v", k)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, ReportsDir))
	if len(entries) != 3 || entries[0].Name() != "20260102T030407.000Z-run2.json" {
		t.Fatalf("kept %v", entries)
	}
	var sum LastRunSummary
	b, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.ExitCode != ExitBoth || sum.Summary != (Summary{Total: 3, Changed: 1, Failed: 1, Skipped: 1}) || sum.Report != last {
		t.Fatalf("summary %+v", sum)
	}
	fi, _ := os.Stat(last)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("report mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		changed, failed bool
		want            int
	}{{false, false, 0}, {true, false, 2}, {false, true, 4}, {true, true, 6}} {
		if got := ExitCode(c.changed, c.failed); got != c.want {
			t.Errorf("ExitCode(%v, %v) = %d, want %d", c.changed, c.failed, got, c.want)
		}
	}
}

func TestReportReadsBack(t *testing.T) {
	res := engine.Result{Outcomes: []engine.Outcome{{Addr: "file.a", Status: engine.Skipped, SkippedBy: "x"}}}
	b, err := json.Marshal(New(res, time.Now(), time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Resources[0].Status != engine.Skipped {
		t.Fatalf("status read back as %s", back.Resources[0].Status)
	}
}

func TestReadSummary(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadSummary(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing summary: %v", err)
	}
	r := New(engine.Result{}, time.Now(), time.Second)
	r.RunID = "x"
	if _, err := Write(dir, r, 1); err != nil {
		t.Fatal(err)
	}
	if s, err := ReadSummary(dir); err != nil || s.RunID != "x" {
		t.Fatalf("ReadSummary = %+v, %v", s, err)
	}
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSummary(dir); err == nil || !strings.Contains(err.Error(), SummaryFile) {
		t.Fatalf("corrupt summary: %v", err)
	}
}

// What is in the way of the report or the summary is moved aside or
// replaced, never a reason not to record the run.
func TestWriteHealsTheStateDirectory(t *testing.T) {
	for name, damage := range map[string]func(dir string) error{
		"summary garbage":   func(d string) error { return os.WriteFile(filepath.Join(d, SummaryFile), []byte("\x00\x00{"), 0o600) },
		"summary directory": func(d string) error { return os.MkdirAll(filepath.Join(d, SummaryFile, "x"), 0o700) },
		"reports is a file": func(d string) error { return os.WriteFile(filepath.Join(d, ReportsDir), []byte("x"), 0o600) },
		"odd reports": func(d string) error {
			if err := os.MkdirAll(filepath.Join(d, ReportsDir, "00000000T000000.000Z-dir.json", "x"), 0o700); err != nil {
				return err
			}
			return os.Symlink("/nonexistent", filepath.Join(d, ReportsDir, "00000000T000000.000Z-link.json"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := damage(dir); err != nil {
				t.Fatal(err)
			}
			r := New(engine.Result{}, time.Now(), time.Second)
			r.RunID = "healed"
			if _, err := Write(dir, r, 1); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if s, err := ReadSummary(dir); err != nil || s.RunID != "healed" {
				t.Fatalf("summary after Write: %+v, %v", s, err)
			}
		})
	}
}
