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

// CheckParents walks the directories between the root (exclusive) and p,
// outermost first. A symlink among them is an error: writing through it
// would put the file wherever the link points, possibly outside the root.
// It returns the outermost missing directory, or "" when every parent
// exists; nothing below a missing one exists either. Kinds that write
// beside a path (tls_certificate, postfix_map) share it.
func CheckParents(env resources.Env, p string) (missing string, err error) {
	for _, d := range ancestors(p) {
		fi, err := os.Lstat(env.Path(d))
		if errors.Is(err, fs.ErrNotExist) {
			return d, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("parent directory %s is a symlink; refusing to write through it", d)
		}
		if !fi.IsDir() {
			return "", fmt.Errorf("parent %s is not a directory", d)
		}
	}
	return "", nil
}
