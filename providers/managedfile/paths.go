package managedfile

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// CheckParents walks the directories between the root (exclusive) and p,
// outermost first, from a handle on the root without following symlinks
// (atomicfile.OpenDir). A symlink among them is an error: writing through
// it would put the file wherever the link points, possibly outside the
// root. It returns the outermost missing directory, or "" when every
// parent exists; nothing below a missing one exists either. Kinds that
// write beside a path (tls_certificate, postfix_map) share it.
func CheckParents(env resources.Env, p string) (missing string, err error) {
	d, err := atomicfile.OpenDir(env.Root, filepath.Dir(p))
	var pe *atomicfile.ParentError
	if errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist) {
		return pe.Dir, nil
	}
	if err != nil {
		return "", err
	}
	d.Close()
	return "", nil
}

// MissingParents lists, for Change.MissingPaths, the parent directories
// of paths that do not exist under the root, each once (CheckParents: a
// symlink on the way is an error). Kinds that write files share it.
func MissingParents(env resources.Env, paths ...string) ([]resources.PathNeed, error) {
	var needs []resources.PathNeed
	for _, p := range paths {
		missing, err := CheckParents(env, p)
		if err != nil {
			return nil, err
		}
		need := resources.PathNeed{Path: filepath.Dir(p), Dir: true, Outermost: missing}
		if missing != "" && !slices.Contains(needs, need) {
			needs = append(needs, need)
		}
	}
	return needs, nil
}

// SweepDir removes the temporary files killed runs left in dir, a managed
// directory opened from the root without following symlinks (see
// atomicfile.Dir.Sweep). Kinds that write files share it as their
// resources.Sweeper.
func SweepDir(env resources.Env, dir string) (int, error) {
	d, err := atomicfile.OpenDir(env.Root, dir)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	return d.Sweep()
}

// Lstat describes p, a managed path, without following a symlink at p or
// above it (see atomicfile.OpenDir); a missing parent is fs.ErrNotExist.
// Kinds that look at what they manage share it.
func Lstat(env resources.Env, p string) (fs.FileInfo, error) {
	d, err := atomicfile.OpenDir(env.Root, filepath.Dir(p))
	if AbsentParent(err) {
		return nil, &fs.PathError{Op: "lstat", Path: p, Err: fs.ErrNotExist}
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Lstat(filepath.Base(p))
}

// AbsentParent reports a parent that is missing or not a directory: the
// path then does not exist (Plan reports a non-directory parent).
func AbsentParent(err error) bool {
	var pe *atomicfile.ParentError
	return errors.As(err, &pe) && (errors.Is(pe.Err, fs.ErrNotExist) || errors.Is(pe.Err, syscall.ENOTDIR))
}

// ReadRegular reads the regular file at p, a managed path, through one
// descriptor opened in a handle on its parent directory (see
// atomicfile.OpenDir: no symlinked parent is followed, nor a final
// symlink: under a root, an absolute link target points outside it), and
// without blocking on a fifo, so content and info describe the same inode.
// A missing file, or one under a missing directory, is (nil, nil, nil).
// With limit > 0, at most limit bytes are read. Kinds that read what they
// manage share it.
func ReadRegular(env resources.Env, p string, limit int64) ([]byte, fs.FileInfo, error) {
	d, err := atomicfile.OpenDir(env.Root, filepath.Dir(p))
	if AbsentParent(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer d.Close()
	return d.ReadFile(filepath.Base(p), limit)
}
