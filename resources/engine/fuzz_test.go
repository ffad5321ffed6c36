package engine_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzPending opens a state directory whose pending-refresh.json holds
// the fuzzed bytes, and uses the events as plan and apply do.
func FuzzPending(f *testing.F) {
	for _, b := range hostile.JSON("target", "from", "since") {
		f.Add(b)
	}
	f.Add([]byte(`[{"target":"service.a","from":"file.b","since":"2026-01-02T03:04:05Z"},{"target":"service.a","from":"file.c","since":"2026-01-02T03:04:05Z"}]`))
	f.Add([]byte(`[{"target":null,"from":1,"since":"x"}]`))
	f.Add([]byte(`[null, {}, []]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, engine.PendingFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := engine.OpenPending(dir)
		if err != nil {
			return
		}
		for _, target := range p.Targets() {
			_ = p.For(target)
			if err := p.Done(target); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Add("file.x", []string{"service.y"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	})
}
