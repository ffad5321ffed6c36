package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources/engine"
)

func TestTextsAreBounded(t *testing.T) {
	flood := strings.Repeat("x", 50<<20)
	res := engine.Result{Outcomes: []engine.Outcome{{Addr: "motd_line.a", Status: engine.Failed, Err: "provider said: " + flood, Output: flood, Events: []string{flood}}}}
	r := New(res, time.Now(), time.Second)
	r.RunID = "flood"
	path, err := Write(t.TempDir(), r, 1)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	t.Logf("a 50 MB error, output and event make a report of %d bytes", fi.Size())
	if fi.Size() > 4*TextLimit {
		t.Fatalf("report of %d bytes", fi.Size())
	}
	e := r.Resources[0]
	if !strings.HasPrefix(e.Error, "provider said: xxx") || !strings.Contains(e.Error, "bytes cut)") {
		t.Fatalf("error not cut with a note: %q", e.Error[:40])
	}
}

func TestReportSizeIsBounded(t *testing.T) {
	// 400 resources with 60 KiB of output each: 24 MB of text.
	var res engine.Result
	for i := range 400 {
		res.Outcomes = append(res.Outcomes, engine.Outcome{Addr: fmt.Sprintf("exec.e%d", i), Status: engine.Changed, Output: strings.Repeat("o", 60<<10)})
	}
	r := New(res, time.Now(), time.Second)
	r.RunID = "big"
	path, err := Write(t.TempDir(), r, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	t.Logf("24 MB of outputs make a report of %d bytes", len(b))
	if len(b) > MaxReportSize {
		t.Fatalf("report of %d bytes, over %d", len(b), MaxReportSize)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || len(back.Resources) != 400 || back.Summary.Changed != 400 {
		t.Fatalf("the shrunk report lost resources: %v, %d", err, len(back.Resources))
	}
	if len(r.Resources[0].Output) != 60<<10 {
		t.Fatal("shrinking changed the caller's report")
	}
}

func TestKeptReportsAreBoundedInSize(t *testing.T) {
	dir := t.TempDir()
	reports := filepath.Join(dir, ReportsDir)
	if err := os.MkdirAll(reports, 0o700); err != nil {
		t.Fatal(err)
	}
	// 12 old reports of 5 MiB: 60 MiB, over MaxKeptSize.
	for i := range 12 {
		name := fmt.Sprintf("20260101T0000%02d.000Z-old%d.json", i, i)
		if err := os.WriteFile(filepath.Join(reports, name), make([]byte, 5<<20), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := New(engine.Result{}, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Second)
	r.RunID = "new"
	if _, err := Write(dir, r, DefaultKeep); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(reports)
	var total int64
	for _, e := range entries {
		fi, _ := e.Info()
		total += fi.Size()
	}
	t.Logf("kept %d reports, %d bytes", len(entries), total)
	if total > MaxKeptSize || entries[len(entries)-1].Name() != "20260201T000000.000Z-new.json" || entries[0].Name() != "20260101T000003.000Z-old3.json" {
		t.Fatalf("kept %d reports of %d bytes, oldest %s", len(entries), total, entries[0].Name())
	}
}

func TestWriteFailure(t *testing.T) {
	dir := t.TempDir()
	path, err := WriteFailure(dir, Failure{RunID: "x", Node: "mx1", Error: "internal error: tend crashed", Detail: "panic: boom", ExitCode: ExitInternal})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ReadSummary(dir)
	if err != nil || s.ExitCode != ExitInternal || s.InternalError != "internal error: tend crashed" || s.Report != path {
		t.Fatalf("summary %+v, %v", s, err)
	}
}
