package metrics

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tendhq/tend/resources/report"
)

func previews() []*report.Preview {
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	return []*report.Preview{
		{Ref: "unsigned", Source: report.Source{ID: "2222"}, Started: at, Refused: "refusing commit 2222: it is not signed"},
		{Ref: "feature/x", Source: report.Source{ID: "1111", Signer: `OpenPGP key AB (Alice "A" <a\b@x>` + "\n)"},
			Started: at, DurationSec: 1.5, Summary: report.Summary{Total: 4, Changed: 3, Unchanged: 1}},
		{Ref: "plan-failed", Source: report.Source{ID: "3333"}, Started: at, Summary: report.Summary{Total: 2, Changed: 1, Failed: 1}},
	}
}

func TestFormatPreviews(t *testing.T) {
	got := string(FormatPreviews(previews()))
	want := `# HELP tend_preview_changes Resources the ref's tip would change on this host (tend agent --preview).
# TYPE tend_preview_changes gauge
tend_preview_changes{ref="feature/x"} 3
tend_preview_changes{ref="plan-failed"} 1
tend_preview_changes{ref="unsigned"} 0
# HELP tend_preview_failed Whether the preview was refused (missing ref, bad signature, invalid configuration) or its plan failed.
# TYPE tend_preview_failed gauge
tend_preview_failed{ref="feature/x"} 0
tend_preview_failed{ref="plan-failed"} 1
tend_preview_failed{ref="unsigned"} 1
# HELP tend_preview_timestamp_seconds When the preview finished.
# TYPE tend_preview_timestamp_seconds gauge
tend_preview_timestamp_seconds{ref="feature/x"} 1796623201.5
tend_preview_timestamp_seconds{ref="plan-failed"} 1796623200
tend_preview_timestamp_seconds{ref="unsigned"} 1796623200
# HELP tend_preview_info The commit each preview planned and its signer (always 1).
# TYPE tend_preview_info gauge
tend_preview_info{ref="feature/x",commit="1111",signer="OpenPGP key AB (Alice \"A\" <a\\b@x>\n)"} 1
tend_preview_info{ref="plan-failed",commit="3333",signer=""} 1
tend_preview_info{ref="unsigned",commit="2222",signer=""} 1
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	fams, err := parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if s := fams["tend_preview_info"][0].labels["signer"]; s != previews()[1].Source.Signer {
		t.Fatalf("signer label reads back as %q", s)
	}
	if len(FormatPreviews(nil)) != 0 {
		t.Fatal("no previews should give an empty file")
	}
}

// TestPreviewsPromtool has Prometheus' own linter read the file.
func TestPreviewsPromtool(t *testing.T) {
	dir := os.Getenv("TEND_PROMETHEUS_BIN")
	if dir == "" {
		if os.Getenv("TEND_TEST_REQUIRE_CONTAINERS") == "1" {
			t.Fatal("TEND_PROMETHEUS_BIN is not set (make prometheus-tools)")
		}
		t.Skip("TEND_PROMETHEUS_BIN is not set: no promtool (make prometheus-tools; make unit sets it)")
	}
	cmd := exec.Command(filepath.Join(dir, "promtool"), "check", "metrics")
	cmd.Stdin = bytes.NewReader(FormatPreviews(previews()))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestCollectPreviews(t *testing.T) {
	state := t.TempDir()
	for _, p := range previews() {
		if _, err := report.WritePreview(state, p); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(state, report.PreviewsDir)
	os.WriteFile(filepath.Join(dir, "damaged.json"), []byte(`{"kind": "prev`), 0o600)
	os.WriteFile(filepath.Join(dir, ".tend-tmp-x.json"), []byte(`garbage`), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte(`garbage`), 0o600)
	ps, problems := CollectPreviews(state)
	if len(ps) != 3 || len(problems) != 1 {
		t.Fatalf("%d previews, problems %v; want 3 and the damaged file", len(ps), problems)
	}
	path := filepath.Join(t.TempDir(), "tend.prom")
	if PreviewPath(path) != filepath.Join(filepath.Dir(path), "tend-preview.prom") {
		t.Fatalf("preview path %s", PreviewPath(path))
	}
	if err := WritePreviews(PreviewPath(path), ps); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(PreviewPath(path))
	if !bytes.Equal(b, FormatPreviews(previews())) {
		t.Fatalf("written\n%s", b)
	}
	if ps, problems := CollectPreviews(t.TempDir()); len(ps)+len(problems) != 0 {
		t.Fatal("no previews directory should be no previews and no problem")
	}
}
