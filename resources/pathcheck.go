package resources

import (
	"fmt"
	"strings"
)

// isAnyControl reports whether r is a C0 control (NUL, tab and newline
// included), DEL or a C1 control.
func isAnyControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// CheckPaths refuses a path attribute that holds NUL or another control
// character: such a path cannot be written to /etc/passwd or a
// configuration file, and printed it could drive the reader's terminal.
// The error is an AttrError naming the attribute; it shows the path with
// its control characters escaped, or nothing of it when the attribute is
// sensitive. Unset attributes are skipped.
func CheckPaths(cfg *Config, attrs ...string) error {
	for _, a := range attrs {
		p := cfg.String(a, "")
		i := strings.IndexFunc(p, isAnyControl)
		if i < 0 {
			continue
		}
		what := fmt.Sprintf("%q", p)
		if cfg.Sensitive[a] {
			what = "(sensitive value)"
		}
		return AttrErrorf(a, "%s %s contains the control character %U; paths must not contain control characters", a, what, []rune(p[i:])[0])
	}
	return nil
}
