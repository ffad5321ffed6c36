package confdiff

import "strings"

// parseSourcesList reads APT's one-line sources: every line is an entry
// named by its type (deb, deb-src) with the rest as its value. A # starts
// a comment anywhere on a line.
func parseSourcesList(b []byte) []setting {
	var s settings
	for _, l := range lines(b) {
		l, _, _ = strings.Cut(l, "#")
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		s.set(setting{Name: f[0], Value: strings.Join(f[1:], " "), Entry: true})
	}
	return s.list
}
