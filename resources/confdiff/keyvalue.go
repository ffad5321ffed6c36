package confdiff

import "strings"

// parseKeyValue reads files of `Key value` lines (opendkim.conf): the
// first word is the key, the rest of the line its value; the last
// definition of a key wins.
func parseKeyValue(b []byte) []setting {
	var s settings
	for _, l := range lines(b) {
		f := strings.Fields(l)
		s.set(setting{Name: f[0], Value: strings.Join(f[1:], " ")})
	}
	return s.list
}
