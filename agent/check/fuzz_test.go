package check_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/check"
	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/metrics"
	"github.com/tendhq/tend/resources/report"
	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzCheck gives `tend check` and the metrics a state directory whose
// last run summary and disable state hold the fuzzed bytes: the verdict
// is always one of the plugin's four, and nothing panics.
func FuzzCheck(f *testing.F) {
	for _, b := range hostile.JSON("finished", "summary", "source", "duration_seconds", "report") {
		f.Add(b, []byte(nil))
	}
	for _, b := range hostile.JSON("until", "reason") {
		f.Add([]byte(nil), b)
	}
	f.Add([]byte(`{"finished":"2026-01-02T03:04:05Z","summary":{"total":3,"changed":1,"failed":1,"skipped":-7},"source":{"last_known_good":true,"why":"\u001b[2J"},"duration_seconds":1e308}`),
		[]byte(`{"reason":"x","until":"9999-12-31T23:59:59Z"}`))
	f.Add([]byte(`{"finished":"0001-01-01T00:00:00Z"}`), []byte(`{"until":"0001-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, summary, disabled []byte) {
		dir := t.TempDir()
		for name, b := range map[string][]byte{report.SummaryFile: summary, disable.File: disabled} {
			if b != nil {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		now := time.Now()
		in := check.Input{Now: now}
		in.Summary, in.SummaryErr = report.ReadSummary(dir)
		in.Disabled, in.DisabledErr = disable.Peek(dir, now)
		r := check.Evaluate(in, check.Thresholds{WarnAge: check.DefaultWarnAge, CritAge: check.DefaultCritAge})
		if r.Status < check.OK || r.Status > check.Unknown {
			t.Fatalf("status %d", r.Status)
		}
		_ = r.String()
		if m, err := metrics.Collect(dir, now); err == nil {
			_ = metrics.Format(m)
		}
	})
}
