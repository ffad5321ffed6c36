package confdiff

import (
	"strings"
)

// settings collects a file's settings in order; a name set again keeps
// its place and takes the later value, as postconf reads main.cf.
type settings struct {
	list []setting
	at   map[string]int
}

func (s *settings) set(x setting) {
	if s.at == nil {
		s.at = map[string]int{}
	}
	k := x.key()
	if i, ok := s.at[k]; ok {
		s.list[i] = x
		return
	}
	s.at[k] = len(s.list)
	s.list = append(s.list, x)
}

// key is what identifies a setting between the old and the new content.
func (x setting) key() string {
	if x.Entry {
		return x.Name + "\x00" + x.Value
	}
	return x.Name
}

// normalize compares values whitespace-insensitively: runs of blanks
// (and a continuation's line break) are one space.
func normalize(v string) string {
	return strings.Join(strings.Fields(v), " ")
}

// lines returns b's lines without their line ends, blank lines and
// comment lines (# as the first non-blank character) left out, leading
// blanks kept.
func lines(b []byte) []string {
	var out []string
	for l := range strings.Lines(string(b)) {
		l = strings.TrimRight(l, "\r\n")
		if t := strings.TrimSpace(l); t == "" || t[0] == '#' {
			continue
		}
		out = append(out, l)
	}
	return out
}

// logicalLines joins Postfix's continuation lines: a line that starts
// with a blank continues the previous one (comments and blank lines in
// between do not end it). A continuation before any line is dropped.
func logicalLines(b []byte) []string {
	var parts [][]string
	for _, l := range lines(b) {
		if l[0] == ' ' || l[0] == '\t' {
			if n := len(parts); n > 0 {
				parts[n-1] = append(parts[n-1], strings.TrimSpace(l))
			}
			continue
		}
		parts = append(parts, []string{strings.TrimSpace(l)})
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.Join(p, " ")
	}
	return out
}
