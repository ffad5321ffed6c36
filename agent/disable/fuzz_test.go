package disable_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzDisableState reads fuzzed bytes as the disable state, as scheduled
// runs (Check) and monitoring (Peek) do.
func FuzzDisableState(f *testing.F) {
	for _, b := range hostile.JSON("reason", "by", "since", "until") {
		f.Add(b)
	}
	dir := f.TempDir()
	if _, err := disable.Disable(dir, "maintenance", time.Hour, time.Now()); err != nil {
		f.Fatal(err)
	}
	real, err := os.ReadFile(filepath.Join(dir, disable.File))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(real)
	f.Add([]byte(`{"reason":"x","until":"0001-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"reason":"x","until":"9999-12-31T23:59:59Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, disable.File), b, 0o600); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if s, err := disable.Peek(dir, now); err == nil && s != nil {
			_ = s.String()
		}
		if active, lifted, err := disable.Check(dir, now); err == nil {
			for _, s := range []*disable.State{active, lifted} {
				if s != nil {
					_ = s.String()
				}
			}
		}
	})
}
