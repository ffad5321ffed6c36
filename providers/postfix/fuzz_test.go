package postfix

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzBuildRecord reads fuzzed bytes as a map's build record from the
// state directory.
func FuzzBuildRecord(f *testing.F) {
	for _, b := range hostile.JSON("path", "type", "tool", "source_sha256", "built") {
		f.Add(b)
	}
	f.Add([]byte(`{"path":"/etc/postfix/transport","type":"hash","tool":"postmap","source_sha256":"00","built":"2026-01-02T03:04:05Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "record.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		rec, err := loadRecord(path)
		if err == nil && rec == nil {
			t.Fatal("an existing record read as missing")
		}
	})
}
