package resources

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/tendhq/tend/resources/confdiff"
)

// ContentDiff is a line diff of managed content, ready to print, with the
// settings that change when the content is in a format tend knows.
type ContentDiff struct {
	// Path labels the diff (the managed file's path).
	Path string `json:"path"`
	// Sensitive is set when line texts were masked.
	Sensitive bool `json:"sensitive,omitempty"`
	// Binary is set when either side is not text; Hunks is then empty and
	// only the sizes are told.
	Binary  bool   `json:"binary,omitempty"`
	OldSize int    `json:"old_size"`
	NewSize int    `json:"new_size"`
	Hunks   []Hunk `json:"hunks,omitempty"`
	// Note explains a difference the lines do not show (a final newline).
	Note string `json:"note,omitempty"`
	// Format is the configuration format recognised by Path; Settings
	// then lists the settings that change (all of them for a new file,
	// none when only comments or layout do), with values masked when
	// Sensitive.
	Format   confdiff.Format   `json:"format,omitempty"`
	Settings []confdiff.Change `json:"settings,omitempty"`
}

// Hunk is one block of a unified diff. Line numbers count from 1.
type Hunk struct {
	OldStart int        `json:"old_start"`
	OldLines int        `json:"old_lines"`
	NewStart int        `json:"new_start"`
	NewLines int        `json:"new_lines"`
	Lines    []DiffLine `json:"lines"`
}

// DiffLine is one line of a hunk: Op is ' ', '-' or '+'.
type DiffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// diffContext is how many unchanged lines surround each change.
const diffContext = 3

// DiffText compares old and new content line by line. When sensitive, every
// line's text is replaced by its line number, so a reader learns which lines
// changed and nothing of what they say. When path names a format confdiff
// knows, it also compares the settings (old is nil for a new file); a
// sensitive file's settings show names, never values.
func DiffText(path string, old, new []byte, sensitive bool) *ContentDiff {
	d := &ContentDiff{Path: path, Sensitive: sensitive, OldSize: len(old), NewSize: len(new)}
	if !isText(old) || !isText(new) {
		d.Binary = true
		return d
	}
	a, b := splitLines(old), splitLines(new)
	m := difflib.NewMatcher(a, b)
	for _, group := range m.GetGroupedOpCodes(diffContext) {
		d.Hunks = append(d.Hunks, buildHunk(group, a, b, sensitive))
	}
	if len(d.Hunks) == 0 && !bytes.Equal(old, new) {
		d.Note = "only the newline at the end of the file differs"
	}
	if f := confdiff.Detect(path); f != "" {
		d.Format, d.Settings = f, confdiff.Compare(f, old, new)
		if sensitive {
			confdiff.Mask(d.Settings, Masked)
		}
	}
	return d
}

func buildHunk(group []difflib.OpCode, a, b []string, sensitive bool) Hunk {
	first, last := group[0], group[len(group)-1]
	h := Hunk{
		OldStart: first.I1 + 1, OldLines: last.I2 - first.I1,
		NewStart: first.J1 + 1, NewLines: last.J2 - first.J1,
	}
	line := func(op string, text string, n int) DiffLine {
		if sensitive {
			text = fmt.Sprintf("(sensitive line %d)", n)
		}
		return DiffLine{Op: op, Text: text}
	}
	for _, c := range group {
		if c.Tag == 'e' {
			for i := c.I1; i < c.I2; i++ {
				h.Lines = append(h.Lines, line(" ", a[i], i+1))
			}
			continue
		}
		if c.Tag == 'r' || c.Tag == 'd' {
			for i := c.I1; i < c.I2; i++ {
				h.Lines = append(h.Lines, line("-", a[i], i+1))
			}
		}
		if c.Tag == 'r' || c.Tag == 'i' {
			for j := c.J1; j < c.J2; j++ {
				h.Lines = append(h.Lines, line("+", b[j], j+1))
			}
		}
	}
	return h
}

// Unified renders the diff as `diff -u` would, with the given prefix on
// every line.
func (d *ContentDiff) Unified(prefix string) string {
	var b strings.Builder
	if d.Binary {
		fmt.Fprintf(&b, "%sbinary content differs (%d bytes -> %d bytes)\n", prefix, d.OldSize, d.NewSize)
		return b.String()
	}
	fmt.Fprintf(&b, "%s--- %s\n%s+++ %s\n", prefix, d.Path, prefix, d.Path)
	for _, h := range d.Hunks {
		fmt.Fprintf(&b, "%s@@ -%s +%s @@\n", prefix, span(h.OldStart, h.OldLines), span(h.NewStart, h.NewLines))
		for _, l := range h.Lines {
			fmt.Fprintf(&b, "%s%s%s\n", prefix, l.Op, l.Text)
		}
	}
	if d.Note != "" {
		fmt.Fprintf(&b, "%s(%s)\n", prefix, d.Note)
	}
	return b.String()
}

func span(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start-1)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.Split(s, "\n")
}

func isText(b []byte) bool {
	return utf8.Valid(b) && !bytes.ContainsRune(b, 0)
}
