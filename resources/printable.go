package resources

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Control characters reach a terminal only through Printable: a path, a
// for_each key, a file's content or a command's output that holds ESC
// could otherwise set the window title, move the cursor or clear the
// screen of whoever reads a plan. Every printer writes through
// TerminalWriter; Printable is the same escaping for one string.

// isControl reports whether r must not reach a terminal as is: C0
// controls but tab and newline, which are the structure of what tend
// prints, DEL, and the C1 controls (U+0080 to U+009F).
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r <= 0x9f)
}

// Printable returns s with every control character but tab and newline,
// and every byte that is not UTF-8, written as a visible escape: ESC as
// \x1b, DEL as \u007f, U+009B as \u009b, a stray byte as \xff. Other
// text, backslashes included, is unchanged. JSON output stays valid and
// means the same: encoding/json already escapes C0 controls and invalid
// UTF-8, and \u007f and \u009b are JSON escapes of the characters they
// replace.
func Printable(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	appendPrintable(&b, s)
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f {
			return strings.IndexFunc(s, isControl) >= 0 || !utf8.ValidString(s)
		}
	}
	return false
}

func appendPrintable(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case r < 0x7f && isControl(r):
			fmt.Fprintf(b, `\x%02x`, r)
		case isControl(r):
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
}

// TerminalWriter escapes what is written to it with Printable before it
// reaches w. A UTF-8 sequence split across two writes is held back until
// the rest arrives, so it is not mistaken for invalid bytes; Flush writes
// what is held back at the end.
type TerminalWriter struct {
	w       io.Writer
	pending []byte
	colour  bool
}

// NewTerminalWriter returns a TerminalWriter writing to w.
func NewTerminalWriter(w io.Writer) *TerminalWriter { return &TerminalWriter{w: w} }

// Write escapes p and writes it; it reports len(p) when the escaped text
// was written in full.
func (t *TerminalWriter) Write(p []byte) (int, error) {
	buf := append(t.pending, p...)
	t.pending = nil
	cut := incompleteTail(buf)
	t.pending = append([]byte(nil), buf[cut:]...)
	if _, err := io.WriteString(t.w, Printable(string(buf[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes, escaped, an incomplete UTF-8 sequence held back from the
// last write.
func (t *TerminalWriter) Flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	s := Printable(string(t.pending))
	t.pending = nil
	_, err := io.WriteString(t.w, s)
	return err
}

// incompleteTail returns where an unfinished multi-byte UTF-8 sequence
// starts at the end of b, or len(b) when b does not end in one.
func incompleteTail(b []byte) int {
	for k := 1; k <= utf8.UTFMax-1 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return len(b) // ASCII: nothing unfinished
		}
		if c >= 0xc0 { // a leading byte: is its sequence complete?
			if utf8.FullRune(b[len(b)-k:]) {
				return len(b)
			}
			return len(b) - k
		}
	}
	return len(b)
}

// Style is what a span of output means to whoever reads a plan, which a
// TerminalWriter with colour on shows in colour, as Terraform does.
type Style int

const (
	Plain   Style = iota
	Added         // green: created, added lines and settings
	Removed       // red: deleted, removed lines and settings
	Changed       // yellow: updated in place
	Notice        // cyan: refreshes, diff hunk headers
	Problem       // bold red: what could not be planned or failed
)

// sgr are the styles' Select Graphic Rendition sequences: the only
// control sequences a TerminalWriter ever writes, none from the text.
var sgr = [...]string{Plain: "", Added: "\x1b[32m", Removed: "\x1b[31m", Changed: "\x1b[33m",
	Notice: "\x1b[36m", Problem: "\x1b[1;31m"}

const sgrReset = "\x1b[0m"

// SetColour turns Paint's colours on or off (off by default): on for a
// terminal whose reader wants colour, never for a pipe or a file.
func (t *TerminalWriter) SetColour(on bool) { t.colour = on }

// Paint writes text, escaped as Write does, in the colour of s when
// colour is on.
func (t *TerminalWriter) Paint(s Style, text string) error {
	if !t.colour || s <= Plain || int(s) >= len(sgr) {
		_, err := io.WriteString(t, text)
		return err
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if _, err := io.WriteString(t.w, sgr[s]); err != nil {
		return err
	}
	if _, err := io.WriteString(t, text); err != nil {
		return err
	}
	if err := t.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(t.w, sgrReset)
	return err
}
