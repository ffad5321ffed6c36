package settings

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzSettings reads fuzzed bytes as /etc/tend/agent.hcl: settings or
// diagnostics, never a panic.
func FuzzSettings(f *testing.F) {
	for _, b := range hostile.HCL("parallel = %s") { // seed#0 to seed#27 nest 100,000 deep
		f.Add(b)
	}
	shipped, err := os.ReadFile("../debian/files/agent.hcl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	f.Add([]byte("source = \"/srv/repo\"\nparallel = 0\nwait_for_lock = \"-1s\"\nallow_rollback = \"yes\"\n"))
	f.Add([]byte("parallel = 18446744073709551616\nwait_for_lock = \"9999999999h\"\n"))
	f.Add([]byte("preview_refs = [\"[\", 1, null, \"preview/*\"]\npreview_for = \"-72h\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "agent.hcl")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		s, _, exists, diags := Load(path)
		if !exists {
			t.Fatal("an existing file read as missing")
		}
		if !diags.HasErrors() && s.Parallel < 0 {
			t.Fatalf("parallel %d accepted", s.Parallel)
		}
	})
}
