package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/sys/unix"
)

// StageLink makes a symlink to target under a temporary name beside name
// in d, owned as owner says (the link itself, never what it points at).
// Commit renames it over name, so name is never missing or half-made.
func (d *Dir) StageLink(name, target string, owner Owner) (*Staged, error) {
	for range 10 {
		tmp := tempName(name)
		err := unix.Symlinkat(target, d.fd, tmp)
		if err == unix.EEXIST {
			continue
		}
		if err != nil {
			return nil, d.writeError(name, err, "creating the new link beside it")
		}
		if owner.set {
			if err := unix.Fchownat(d.fd, tmp, owner.uid, owner.gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				unix.Unlinkat(d.fd, tmp, 0)
				return nil, d.writeError(name, err, "setting the new link's owner")
			}
		}
		return &Staged{dir: d, tmp: tmp, name: name}, nil
	}
	return nil, fmt.Errorf("%s: no free temporary name beside it", d.Name(name))
}

// Sweep removes what killed runs left in d: entries whose name starts
// with TempPrefix and that are regular files or symlinks, unlinked (a
// symlink is never followed), and directories whose name starts with
// StagingPrefix, removed whole through handles. Other directories and
// other files are left alone, whatever their name. It returns how many
// entries it removed.
func (d *Dir) Sweep() (int, error) {
	names, err := d.names()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		if !strings.HasPrefix(name, TempPrefix) {
			continue
		}
		var st unix.Stat_t
		if unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			continue
		}
		switch t := st.Mode & unix.S_IFMT; {
		case t == unix.S_IFDIR && strings.HasPrefix(name, StagingPrefix):
			if err := d.RemoveAll(name); err != nil {
				return n, fmt.Errorf("removing %s: %w", d.Name(name), err)
			}
		case t == unix.S_IFREG || t == unix.S_IFLNK:
			if err := unix.Unlinkat(d.fd, name, 0); err != nil && err != unix.ENOENT {
				return n, fmt.Errorf("removing %s: %w", d.Name(name), err)
			}
		default:
			continue
		}
		n++
	}
	return n, nil
}

// SweepTree sweeps dir, opened by its path, and with below every
// directory under it, descending through handles without following
// symlinks: for tend's own state directory. A missing dir holds nothing to
// sweep.
func SweepTree(dir string, below bool) (int, error) {
	d, err := openPath(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer d.Close()
	if !below {
		return d.Sweep()
	}
	return d.sweepTree()
}

func (d *Dir) sweepTree() (int, error) {
	n, err := d.Sweep()
	if err != nil {
		return n, err
	}
	names, err := d.names()
	if err != nil {
		return n, err
	}
	for _, name := range names {
		var st unix.Stat_t
		if unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			continue
		}
		sub, err := d.Sub(name)
		if err != nil {
			continue
		}
		m, err := sub.sweepTree()
		sub.Close()
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
