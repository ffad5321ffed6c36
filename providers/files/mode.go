package files

import (
	"fmt"
	"io/fs"
	"strconv"
)

// Modes of things created with no configured mode.
const (
	defaultFileMode fs.FileMode = 0644
	defaultDirMode  fs.FileMode = 0755
)

// parseMode reads an octal mode of three or four digits ("644", "0644",
// "2775").
func parseMode(s string) (fs.FileMode, error) {
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || len(s) < 3 || len(s) > 4 {
		return 0, fmt.Errorf("mode %q must be octal, like \"0644\"", s)
	}
	m := fs.FileMode(n & 0777)
	if n&04000 != 0 {
		m |= fs.ModeSetuid
	}
	if n&02000 != 0 {
		m |= fs.ModeSetgid
	}
	if n&01000 != 0 {
		m |= fs.ModeSticky
	}
	return m, nil
}
