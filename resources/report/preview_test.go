package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/plan"
)

func TestPreviewCountsAndReadsBack(t *testing.T) {
	state := t.TempDir()
	p := &Preview{Ref: "feature/a/b", Node: "web", Host: "web1"}
	p.SetPlan(&plan.Plan{Resources: []plan.Resource{
		{Address: "file.a", Change: resources.Change{Action: resources.Create}},
		{Address: "service.b", Change: resources.Change{Action: resources.Refresh}},
		{Address: "file.c", Change: resources.Change{Action: resources.NoOp}},
		{Address: "file.d", Change: resources.Change{Action: resources.Unknown}},
		{Address: "exec.e", Error: "boom"},
		{Address: "file.f", SkippedBy: "depends on exec.e"},
	}, Summary: plan.Summary{Create: 1, Refresh: 1, Errors: 2}})
	if p.Summary != (Summary{Total: 6, Changed: 2, Failed: 1, Skipped: 1, Unchanged: 2}) || p.ExitCode != ExitBoth || !p.Failed() {
		t.Fatalf("summary %+v, exit %d", p.Summary, p.ExitCode)
	}
	path, err := WritePreview(state, p)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(state, "previews", "feature_a_b.json") {
		t.Fatalf("written to %s", path)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	back, err := ReadPreview(path)
	if err != nil || back.Kind != kindPreview || back.Ref != "feature/a/b" || back.Plan.Resources[1].Action != resources.Refresh {
		t.Fatalf("read back %+v, %v", back, err)
	}
	p.SetRefused(errors.New("refusing commit 1234: it is not signed"))
	if p.Plan != nil || p.Summary != (Summary{}) || p.ExitCode != ExitInvalid || !p.Failed() {
		t.Fatalf("refused %+v", p)
	}
}

func TestReadPreviewRefusesOthers(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"run.json":    `{"format_version": 1, "run_id": "x", "resources": []}`,
		"future.json": `{"format_version": 2, "kind": "preview", "ref": "main"}`,
		"torn.json":   `{"format_version": 1, "kind": "prev`,
		"array.json":  `[1, 2]`,
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(text), 0o600)
		if _, err := ReadPreview(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestPreviewOverSizeLeavesDiffsOut(t *testing.T) {
	line := strings.Repeat("x", 100)
	old, new := strings.Repeat("a"+line+"\n", MaxReportSize/200), strings.Repeat("b"+line+"\n", MaxReportSize/200)
	d := resources.DiffText("/big", []byte(old), []byte(new), false)
	p := &Preview{Ref: "main"}
	p.SetPlan(&plan.Plan{Resources: []plan.Resource{{Address: "file.big", Change: resources.Change{Action: resources.Update, Content: d}}}})
	b, err := encodePreview(p)
	if err != nil || len(b) > MaxReportSize || !strings.Contains(string(b), "diff left out") || len(p.Plan.Resources[0].Content.Hunks) == 0 {
		t.Fatalf("%d bytes, %v", len(b), err)
	}
}
