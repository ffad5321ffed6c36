package resources

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text\n\twith tab", "plain text\n\twith tab"},
		{"\x1b]0;owned\a", `\x1b]0;owned\x07`},
		{"clear\x1b[2J", `clear\x1b[2J`},
		{"a\rb\bc\x00d", `a\x0db\x08c\x00d`},
		{"del\x7f", `del\u007f`},
		{"csi\u009b2J", `csi\u009b2J`},
		{"stray\xff\xc2", `stray\xff\xc2`},
		{"héllo ✓ \\x1b", "héllo ✓ \\x1b"},
	} {
		if got := Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A multi-byte character split across writes is not taken for invalid
// bytes; controls are escaped wherever the writes are cut.
func TestTerminalWriterSplits(t *testing.T) {
	in := "é✓\x1b[2J\u009b\xffend"
	want := Printable(in)
	for cut := range len(in) + 1 {
		var out bytes.Buffer
		w := NewTerminalWriter(&out)
		for _, part := range []string{in[:cut], in[cut:]} {
			if n, err := w.Write([]byte(part)); err != nil || n != len(part) {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("cut at %d: %q, want %q", cut, out.String(), want)
		}
	}
	var out bytes.Buffer
	w := NewTerminalWriter(&out)
	w.Write([]byte("end\xe2\x9c"))
	w.Flush()
	if got := out.String(); got != `end\xe2\x9c` {
		t.Errorf("unfinished sequence flushed as %q", got)
	}
}

// JSON written through the writer stays valid and decodes to the same
// text.
func TestTerminalWriterKeepsJSON(t *testing.T) {
	text := "a\x1b[31m\x7f\u009b\x00z\n"
	raw, _ := json.Marshal(map[string]string{"diff": text})
	var out bytes.Buffer
	w := NewTerminalWriter(&out)
	w.Write(raw)
	w.Flush()
	if strings.ContainsAny(out.String(), "\x1b\x7f\u009b") {
		t.Fatalf("control characters left in %q", out.String())
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back["diff"] != text {
		t.Fatalf("decoded %q, %v; want %q", back["diff"], err, text)
	}
}

func TestPaint(t *testing.T) {
	var b strings.Builder
	w := NewTerminalWriter(&b)
	if err := w.Paint(Added, "+ \x1b[2J"); err != nil || b.String() != `+ \x1b[2J` {
		t.Fatalf("colour off: %q, %v", b.String(), err)
	}
	b.Reset()
	w.SetColour(true)
	_ = w.Paint(Removed, "- \x1b]0;title\x07")
	_ = w.Paint(Plain, "x")
	if want := "\x1b[31m- \\x1b]0;title\\x07\x1b[0mx"; b.String() != want {
		t.Fatalf("colour on: %q, want %q", b.String(), want)
	}
}
