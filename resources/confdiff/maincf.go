package confdiff

import "strings"

// parseMainCF reads Postfix main.cf: `name = value` parameters, joined
// over continuation lines; the last definition of a name wins. A line
// without = is left out (Postfix refuses it).
func parseMainCF(b []byte) []setting {
	var s settings
	for _, l := range logicalLines(b) {
		name, value, ok := strings.Cut(l, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			continue
		}
		s.set(setting{Name: name, Value: normalize(value)})
	}
	return s.list
}
