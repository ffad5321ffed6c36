package metrics

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/tendhq/tend/resources/report"
)

// previewFile is the name of the previews' textfile, which lives beside
// the run metrics file (PreviewPath).
const previewFile = "tend-preview.prom"

// PreviewPath is the previews' textfile in the directory of the run
// metrics file metricsFile.
func PreviewPath(metricsFile string) string {
	return filepath.Join(filepath.Dir(metricsFile), previewFile)
}

// FormatPreviews renders one series per previewed ref of each preview
// metric, in the order of the refs.
func FormatPreviews(ps []*report.Preview) []byte {
	ps = append([]*report.Preview(nil), ps...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Ref < ps[j].Ref })
	var w writer
	if len(ps) == 0 {
		return w.Bytes()
	}
	series := []struct {
		name, help string
		value      func(p *report.Preview) float64
	}{
		{"tend_preview_changes", "Resources the ref's tip would change on this host (tend agent --preview).",
			func(p *report.Preview) float64 { return float64(p.Summary.Changed) }},
		{"tend_preview_failed", "Whether the preview was refused (missing ref, bad signature, invalid configuration) or its plan failed.",
			func(p *report.Preview) float64 { return flag(p.Failed()) }},
		{"tend_preview_timestamp_seconds", "When the preview finished.",
			func(p *report.Preview) float64 {
				return seconds(p.Started.Add(time.Duration(p.DurationSec * float64(time.Second))))
			}},
	}
	for _, s := range series {
		w.header(s.name, s.help)
		for _, p := range ps {
			w.sample(s.name, labels("ref", p.Ref), s.value(p))
		}
	}
	w.header("tend_preview_info", "The commit each preview planned and its signer (always 1).")
	for _, p := range ps {
		w.sample("tend_preview_info", labels("ref", p.Ref, "commit", p.Source.ID, "signer", p.Source.Signer), 1)
	}
	return w.Bytes()
}

// CollectPreviews reads every preview report in the state directory's
// previews directory (none is not an error). A file that is not a
// preview report is left out and named in problems.
func CollectPreviews(stateDir string) (ps []*report.Preview, problems []error) {
	dir := filepath.Join(stateDir, report.PreviewsDir)
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, []error{fmt.Errorf("preview reports: %w", err)}
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		p, err := report.ReadPreview(filepath.Join(dir, e.Name()))
		if err != nil {
			problems = append(problems, err)
			continue
		}
		ps = append(ps, p)
	}
	return ps, problems
}

// WritePreviews replaces the previews' textfile at path, readable by all
// as the run metrics are.
func WritePreviews(path string, ps []*report.Preview) error {
	return atomicfile.WriteFile(path, FormatPreviews(ps), atomicfile.Options{Mode: 0o644})
}
