package files

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tendhq/tend/resources"
)

// ancestors lists the directories above an absolute clean path, outermost
// first, without "/" itself: "/etc/postfix/main.cf" gives "/etc" and
// "/etc/postfix".
func ancestors(p string) []string {
	var out []string
	for d := filepath.Dir(p); d != "/" && d != "."; d = filepath.Dir(d) {
		out = append(out, d)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// checkParents walks the directories between the root (exclusive) and p.
// A symlink among them is an error: writing through it would put the file
// wherever the link points, possibly outside the root. It reports whether
// every parent exists; a missing one ends the walk, since nothing below it
// exists either.
func checkParents(env resources.Env, p string) (bool, error) {
	for _, d := range ancestors(p) {
		fi, err := os.Lstat(env.Path(d))
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return false, fmt.Errorf("parent directory %s is a symlink; refusing to write through it", d)
		}
		if !fi.IsDir() {
			return false, fmt.Errorf("parent %s is not a directory", d)
		}
	}
	return true, nil
}
