package plugin

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzLock reads fuzzed bytes as a node repository's providers.lock.hcl:
// a lock whose every sum is 32 bytes of hex, or an error.
func FuzzLock(f *testing.F) {
	for _, b := range hostile.HCL(`provider "motd" { sha256 = %s }`) { // seed#0 to seed#27 nest 100,000 deep
		f.Add(b)
	}
	sum := strings.Repeat("0f", 32)
	f.Add([]byte(`provider "motd" { sha256 = "` + sum + `" }` + "\n" + `provider "sysctl" { sha256 = "` + sum + `" }`))
	f.Add([]byte(`provider "motd" { sha256 = "` + sum + `" }` + "\n" + `provider "motd" { sha256 = "` + sum + `" }`))
	f.Add([]byte(`provider "../../bin/sh" { sha256 = "` + sum + `" }`))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), LockFile)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := ReadLock(path)
		if err != nil {
			return
		}
		for name, s := range l {
			if d, err := hex.DecodeString(s); err != nil || len(d) != 32 {
				t.Fatalf("provider %q pinned to %q", name, s)
			}
		}
	})
}
