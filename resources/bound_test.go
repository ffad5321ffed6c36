package resources

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBound(t *testing.T) {
	if got := Bound("short", 10); got != "short" {
		t.Fatalf("a short text changed: %q", got)
	}
	long := strings.Repeat("é", 50<<20/2) // 50 MB of two-byte characters
	got := Bound(long, 1000)
	if len(got) > 1000+40 || !utf8.ValidString(got) {
		t.Fatalf("bounded to %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
	if !strings.Contains(got, "(… 52427800 bytes cut)") {
		t.Fatalf("no note of the cut: %q", got[740:800])
	}
	s := "ERROR: " + strings.Repeat("x", 5000) + " END"
	if b := Bound(s, 100); !strings.HasPrefix(b, "ERROR: ") || !strings.HasSuffix(b, " END") {
		t.Fatalf("the beginning and the end are not kept: %q", b)
	}
}
