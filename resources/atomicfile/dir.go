package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// errSymlink is the cause of a ParentError for a directory on the way to
// a managed path that is a symbolic link.
var errSymlink = errors.New("is a symlink")

// ParentError says why a directory on the way to a path cannot be used:
// Err is fs.ErrNotExist, errSymlink, syscall.ENOTDIR or the system's error.
type ParentError struct {
	// Dir is the directory, as errors name it.
	Dir string
	Err error
}

func (e *ParentError) Error() string {
	switch {
	case errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("parent directory %s does not exist", e.Dir)
	case errors.Is(e.Err, errSymlink):
		return fmt.Sprintf("parent directory %s is a symlink; refusing to write through it", e.Dir)
	case errors.Is(e.Err, syscall.ENOTDIR):
		return fmt.Sprintf("parent %s is not a directory", e.Dir)
	}
	return fmt.Sprintf("parent directory %s: %v", e.Dir, e.Err)
}

func (e *ParentError) Unwrap() error { return e.Err }

// Dir is an open directory. The names its methods take are single
// components, resolved in the directory itself: swapping the directory, or
// any directory above it, for a symlink after it was opened changes
// nothing about where they land.
type Dir struct {
	fd int
	// shown is the directory as errors name it: the managed path under a
	// root, the host path elsewhere.
	shown string
	// host is where the directory was on the host when it was opened, for
	// commands that take a path (validators, postmap).
	host string
}

const (
	// dirFlags open handles that names are resolved in: O_PATH needs only
	// search permission, as resolving a path does.
	dirFlags  = unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC
	listFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC
	readFlags = unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC
)

// OpenDir opens the directory dir, an absolute managed path, beneath
// root ("" or "/" for the host's root): root is opened by its path, then
// every component of dir with openat and O_NOFOLLOW from the handle of the
// one above. A component that is a symlink — even one pointing inside the
// root — is refused, as is a missing one or one that is not a directory,
// with a *ParentError naming the outermost such directory.
func OpenDir(root, dir string) (*Dir, error) {
	if root == "" {
		root = "/"
	}
	dir = filepath.Clean("/" + dir)
	host := filepath.Join(root, dir)
	// One openat2 that refuses every symlink on the whole path, the
	// root's included, is the fast way; any failure (a symlink in the
	// root's own path is allowed, old kernels lack openat2) takes the
	// walk, which also says which component is at fault.
	how := unix.OpenHow{Flags: dirFlags, Resolve: unix.RESOLVE_NO_SYMLINKS}
	if fd, err := unix.Openat2(unix.AT_FDCWD, host, &how); err == nil {
		return &Dir{fd: fd, shown: dir, host: host}, nil
	}
	fd, err := unix.Open(root, dirFlags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: root, Err: err}
	}
	return walk(&Dir{fd: fd, shown: "/", host: root}, dir, false, 0)
}

// MakeDirs opens the directory rel below base, creating (mkdirat, with
// perm) the components that are missing. Like OpenDir it never follows a
// symlink below base, but base itself is opened by its path: it is a
// directory tend was told to use, such as the state directory, and may be
// a link to where it lives. Errors name host paths.
func MakeDirs(base, rel string, perm fs.FileMode) (*Dir, error) {
	fd, err := unix.Open(base, dirFlags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: base, Err: err}
	}
	d := &Dir{fd: fd, shown: base, host: base}
	return walk(d, rel, true, perm)
}

// openPath opens a directory by its path, following symlinks: for
// WriteFile, whose callers name a directory they trust.
func openPath(dir string) (*Dir, error) {
	fd, err := unix.Open(dir, dirFlags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return &Dir{fd: fd, shown: dir, host: dir}, nil
}

// walk descends from d through rel's components, closing every handle but
// the last; on error every handle is closed.
func walk(d *Dir, rel string, create bool, perm fs.FileMode) (*Dir, error) {
	for _, c := range strings.Split(filepath.Clean("/"+rel), "/") {
		if c == "" {
			continue
		}
		next, err := d.sub(c, create, perm)
		d.Close()
		if err != nil {
			return nil, err
		}
		d = next
	}
	return d, nil
}

// sub opens the child directory name without following a symlink.
func (d *Dir) sub(name string, create bool, perm fs.FileMode) (*Dir, error) {
	shown, host := filepath.Join(d.shown, name), filepath.Join(d.host, name)
	fd, err := unix.Openat(d.fd, name, dirFlags|unix.O_NOFOLLOW, 0)
	if err == unix.ENOENT && create {
		if err = unix.Mkdirat(d.fd, name, uint32(perm.Perm())); err == nil || err == unix.EEXIST {
			fd, err = unix.Openat(d.fd, name, dirFlags|unix.O_NOFOLLOW, 0)
		}
	}
	if err == nil {
		return &Dir{fd: fd, shown: shown, host: host}, nil
	}
	if err == unix.ENOTDIR || err == unix.ELOOP {
		// O_DIRECTORY with O_NOFOLLOW fails either way on a symlink.
		var st unix.Stat_t
		if unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return nil, &ParentError{Dir: shown, Err: errSymlink}
		}
		return nil, &ParentError{Dir: shown, Err: syscall.ENOTDIR}
	}
	if err == unix.ENOENT {
		return nil, &ParentError{Dir: shown, Err: fs.ErrNotExist}
	}
	return nil, &ParentError{Dir: shown, Err: err}
}

// Sub opens the child directory name, refusing a symlink.
func (d *Dir) Sub(name string) (*Dir, error) { return d.sub(name, false, 0) }

// Close releases the handle.
func (d *Dir) Close() error { return unix.Close(d.fd) }

// Name is the path of name in d as errors name it.
func (d *Dir) Name(name string) string { return filepath.Join(d.shown, name) }

// hostPath is where name in d is on the host, for commands that take a
// path. Prefer the methods: a path is resolved again by whoever uses it.
func (d *Dir) hostPath(name string) string { return filepath.Join(d.host, name) }

// Lstat describes name without following a symlink.
func (d *Dir) Lstat(name string) (fs.FileInfo, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, &os.PathError{Op: "lstat", Path: d.Name(name), Err: err}
	}
	return newStatInfo(name, &st), nil
}

// Open opens name for reading without following a symlink at name and
// without blocking should it be a fifo.
func (d *Dir) Open(name string) (*os.File, error) {
	fd, err := unix.Openat(d.fd, name, readFlags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.Name(name), Err: err}
	}
	return os.NewFile(uintptr(fd), d.Name(name)), nil
}

// ReadFile reads the regular file name through one descriptor, so content
// and info describe the same inode. A missing file is (nil, nil, nil); a
// symlink or anything but a regular file is an error. With limit > 0, at
// most limit bytes are read.
func (d *Dir) ReadFile(name string, limit int64) ([]byte, fs.FileInfo, error) {
	f, err := d.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if errors.Is(err, syscall.ELOOP) {
		return nil, nil, fmt.Errorf("%s is a symlink; refusing to follow it", d.Name(name))
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s is not a regular file", d.Name(name))
	}
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", d.Name(name), err)
	}
	return b, fi, nil
}

// Readlink returns the target of the symlink name.
func (d *Dir) Readlink(name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(d.fd, name, buf)
		if err != nil {
			return "", &os.PathError{Op: "readlink", Path: d.Name(name), Err: err}
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// Mkdir makes the directory name, with perm before the umask.
func (d *Dir) Mkdir(name string, perm fs.FileMode) error {
	if err := unix.Mkdirat(d.fd, name, uint32(perm.Perm())); err != nil {
		return &os.PathError{Op: "mkdir", Path: d.Name(name), Err: err}
	}
	return nil
}

// Remove removes name, a file, symlink (never followed) or empty directory.
func (d *Dir) Remove(name string) error {
	err := unix.Unlinkat(d.fd, name, 0)
	if err == unix.EISDIR {
		err = unix.Unlinkat(d.fd, name, unix.AT_REMOVEDIR)
	}
	if err != nil {
		return &os.PathError{Op: "remove", Path: d.Name(name), Err: err}
	}
	return nil
}

// RemoveAll removes name and, when it is a directory, everything in it,
// descending through handles without following any symlink. A missing
// name is not an error.
func (d *Dir) RemoveAll(name string) error {
	err := unix.Unlinkat(d.fd, name, 0)
	if err == nil || err == unix.ENOENT {
		return nil
	}
	if err != unix.EISDIR {
		return &os.PathError{Op: "remove", Path: d.Name(name), Err: err}
	}
	sub, err := d.Sub(name)
	if err != nil {
		return err
	}
	names, err := sub.names()
	for _, n := range names {
		if err == nil {
			err = sub.RemoveAll(n)
		}
	}
	sub.Close()
	if err != nil {
		return err
	}
	return d.Remove(name)
}

// names lists the directory's entries.
func (d *Dir) names() ([]string, error) {
	fd, err := unix.Openat(d.fd, ".", listFlags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.shown, Err: err}
	}
	f := os.NewFile(uintptr(fd), d.shown)
	defer f.Close()
	return f.Readdirnames(-1)
}

// ReadDir lists the directory's entries, sorted by name, with their types.
func (d *Dir) ReadDir() ([]fs.DirEntry, error) {
	fd, err := unix.Openat(d.fd, ".", listFlags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.shown, Err: err}
	}
	f := os.NewFile(uintptr(fd), d.shown)
	defer f.Close()
	ents, err := f.ReadDir(-1)
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, err
}

// Empty reports whether the directory has no entries.
func (d *Dir) Empty() (bool, error) {
	fd, err := unix.Openat(d.fd, ".", listFlags, 0)
	if err != nil {
		return false, &os.PathError{Op: "open", Path: d.shown, Err: err}
	}
	f := os.NewFile(uintptr(fd), d.shown)
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// Rename renames from to to, both in d.
func (d *Dir) Rename(from, to string) error {
	if err := unix.Renameat(d.fd, from, d.fd, to); err != nil {
		return &os.LinkError{Op: "rename", Old: d.Name(from), New: d.Name(to), Err: err}
	}
	return nil
}

// Sync makes the directory's entries durable. File systems that cannot
// fsync a directory (EINVAL) are as durable as they allow.
func (d *Dir) Sync() error {
	fd, err := unix.Openat(d.fd, ".", listFlags, 0)
	if err == nil {
		err = unix.Fsync(fd)
		unix.Close(fd)
	}
	if err != nil && err != unix.EINVAL {
		return fmt.Errorf("sync directory %s: %w", d.shown, err)
	}
	return nil
}

// Lchown changes the owner of name itself, a symlink included; -1 keeps.
func (d *Dir) Lchown(name string, uid, gid int) error {
	if err := unix.Fchownat(d.fd, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "chown", Path: d.Name(name), Err: err}
	}
	return nil
}

// SetOwnerMode sets the owner (-1 keeps either id) and then the mode of
// the file or directory name through a descriptor opened without
// following a symlink: chown may clear setuid and setgid, so mode comes
// second. A file the caller cannot open (not root, not readable) is
// changed by name in d, still without following a final symlink.
func (d *Dir) SetOwnerMode(name string, uid, gid int, mode fs.FileMode) error {
	fd, err := unix.Openat(d.fd, name, readFlags, 0)
	if err == unix.EACCES {
		return d.setOwnerModeAt(name, uid, gid, mode)
	}
	if err != nil {
		return &os.PathError{Op: "open", Path: d.Name(name), Err: err}
	}
	f := os.NewFile(uintptr(fd), d.Name(name))
	defer f.Close()
	if uid != -1 || gid != -1 {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	return f.Chmod(mode)
}

func (d *Dir) setOwnerModeAt(name string, uid, gid int, mode fs.FileMode) error {
	if uid != -1 || gid != -1 {
		if err := d.Lchown(name, uid, gid); err != nil {
			return err
		}
	}
	fi, err := d.Lstat(name)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s became a symlink; not changing its mode", d.Name(name))
	}
	if err := unix.Fchmodat(d.fd, name, uint32(sysMode(mode)), 0); err != nil {
		return &os.PathError{Op: "chmod", Path: d.Name(name), Err: err}
	}
	return nil
}

// sysMode turns Go's mode bits into the system's.
func sysMode(m fs.FileMode) uint32 {
	o := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		o |= unix.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		o |= unix.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		o |= unix.S_ISVTX
	}
	return o
}
