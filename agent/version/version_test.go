package version

import (
	"strings"
	"testing"
)

// A test binary carries no VCS stamp: it is named by its own digest, the
// same every time.
func TestStringIsStable(t *testing.T) {
	v := String()
	if v == "" || v == "unknown" {
		t.Fatalf("String() = %q", v)
	}
	if stamp == "" && !strings.HasPrefix(v, "build sha256:") && !strings.Contains(v, " ") {
		t.Errorf("String() = %q, want a revision or a digest", v)
	}
	a, b := fromExecutable(), fromExecutable()
	if a != b {
		t.Error("the executable's digest changed between two reads")
	}
}
