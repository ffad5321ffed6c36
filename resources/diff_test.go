package resources

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnifiedDiffMatchesGNUDiff compares hunks with `diff -u` itself.
func TestUnifiedDiffMatchesGNUDiff(t *testing.T) {
	lines := func(n int, change map[int]string) []byte {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			if s, ok := change[i]; ok {
				if s != "" {
					b.WriteString(s + "\n")
				}
				continue
			}
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return []byte(b.String())
	}
	cases := []struct{ old, new []byte }{
		{lines(8, nil), lines(9, map[int]string{2: "B"})},
		{lines(30, nil), lines(30, map[int]string{2: "two", 20: "twenty", 21: ""})},
		{nil, lines(3, nil)},
		{lines(3, nil), nil},
		{lines(12, nil), lines(12, map[int]string{1: "first", 12: "last"})},
	}
	dir := t.TempDir()
	for i, c := range cases {
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if err := os.WriteFile(a, c.old, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(b, c.new, 0o600); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command("diff", "-u", a, b).Output()
		want := string(out)
		want = want[strings.Index(want, "\n@@")+1:] // drop the headers
		got := DiffText("/f", c.old, c.new, false).Unified("")
		got = got[strings.Index(got, "\n@@")+1:]
		if got != want {
			t.Errorf("case %d:\n%s\nwant (diff -u):\n%s", i, got, want)
		}
	}
}

func TestSensitiveDiffHasNoText(t *testing.T) {
	d := DiffText("/k", []byte("-----BEGIN KEY-----\nAAAA\n"), []byte("-----BEGIN KEY-----\nBBBB\n"), true)
	u := d.Unified("")
	if strings.Contains(u, "AAAA") || strings.Contains(u, "BBBB") || strings.Contains(u, "BEGIN") {
		t.Fatalf("sensitive diff leaks text:\n%s", u)
	}
	if !strings.Contains(u, "-(sensitive line 2)") || !strings.Contains(u, "+(sensitive line 2)") {
		t.Fatalf("sensitive diff does not say which line changed:\n%s", u)
	}
}

func TestBinaryDiffTellsSizes(t *testing.T) {
	d := DiffText("/b", []byte{0, 1, 2}, []byte("text\n"), false)
	if !d.Binary || d.Unified("") != "binary content differs (3 bytes -> 5 bytes)\n" {
		t.Fatalf("binary diff: %+v %q", d, d.Unified(""))
	}
}

func TestAddressRoundTrip(t *testing.T) {
	for _, s := range []string{`file.a`, `module.m.module.n.exec.x`, `module.m.file.maps["trans.port"]`} {
		a, err := ParseAddress(s)
		if err != nil || a.String() != s {
			t.Fatalf("ParseAddress(%q) = %v, %v", s, a, err)
		}
	}
	for _, bad := range []string{`file`, `module.m`, `file.a["x"`, `file.a[x]`} {
		if _, err := ParseAddress(bad); err == nil {
			t.Fatalf("ParseAddress(%q) accepted", bad)
		}
	}
}

func TestFinalNewlineDifferenceIsTold(t *testing.T) {
	u := DiffText("/f", []byte("a"), []byte("a\n"), false).Unified("")
	if !strings.Contains(u, "only the newline at the end of the file differs") {
		t.Fatalf("diff hides the difference:\n%s", u)
	}
}
