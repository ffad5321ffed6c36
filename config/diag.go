package config

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources"
)

// Sources maps a diagnostic's file name to the file's bytes, for the
// source excerpt under each diagnostic.
type Sources map[string][]byte

// WriteDiagnostics is the one renderer of configuration problems. Each
// diagnostic is a line "file:line:col: severity: summary; detail", followed
// by the offending source line and a caret marker when the source is known.
func WriteDiagnostics(w io.Writer, diags hcl.Diagnostics, src Sources) {
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += "; " + d.Detail
		}
		if d.Subject == nil {
			fmt.Fprintf(w, "%s: %s\n", sev, msg)
			continue
		}
		r := *d.Subject
		fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", r.Filename, r.Start.Line, r.Start.Column, sev, msg)
		writeExcerpt(w, r, src[r.Filename])
	}
}

func writeExcerpt(w io.Writer, r hcl.Range, file []byte) {
	if file == nil {
		return
	}
	lines := bytes.Split(file, []byte("\n"))
	if r.Start.Line < 1 || r.Start.Line > len(lines) {
		return
	}
	line := strings.TrimRight(string(lines[r.Start.Line-1]), "\r")
	width := 1
	if r.End.Line == r.Start.Line && r.End.Column > r.Start.Column {
		width = r.End.Column - r.Start.Column
	}
	line, col := excerptWindow(line, r.Start.Column)
	width = min(width, max(1, utf8.RuneCountInString(line)-col+1))
	gutter := fmt.Sprintf("%5d | ", r.Start.Line)
	pad := strings.Repeat(" ", len(gutter)-2) + "| "
	indent := strings.Map(func(c rune) rune {
		if c == '\t' {
			return '\t'
		}
		return ' '
	}, prefixRunes(line, col-1))
	fmt.Fprintf(w, "%s%s\n%s%s%s\n", gutter, line, pad, indent, strings.Repeat("^", width))
}

// maxExcerpt is the most characters of a line an excerpt shows.
const maxExcerpt = 160

// excerptWindow cuts a line longer than maxExcerpt to the part around
// column col, marking the cuts with "…"; it returns the part and the column
// in it.
func excerptWindow(line string, col int) (string, int) {
	runes := []rune(line)
	if len(runes) <= maxExcerpt {
		return line, col
	}
	start := max(0, min(col-1-maxExcerpt/2, len(runes)-maxExcerpt))
	end := min(len(runes), start+maxExcerpt)
	out := string(runes[start:end])
	if end < len(runes) {
		out += "…"
	}
	if start > 0 {
		return "…" + out, col - start + 1
	}
	return out, col
}

// prefixRunes returns the first n characters of s (columns count
// characters, not bytes).
func prefixRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// errorAt builds an error diagnostic for a source range.
func errorAt(r hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: r.Ptr()}
}

// redactDiags replaces secrets in the diagnostics' texts, in place: the
// second line of defence behind the messages that never quote a
// sensitive value.
func redactDiags(diags hcl.Diagnostics, red *resources.Redactor) {
	for _, d := range diags {
		d.Summary = red.String(d.Summary)
		d.Detail = red.String(d.Detail)
	}
}
