package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// MkdirTemp makes a new directory in d, mode 0700, named prefix followed
// by random characters, never reusing what is there, and opens it. It
// returns the new directory and its name in d (for RemoveAll).
func (d *Dir) MkdirTemp(prefix string) (*Dir, string, error) {
	for range 10 {
		var b [8]byte
		rand.Read(b[:])
		name := prefix + hex.EncodeToString(b[:])
		err := unix.Mkdirat(d.fd, name, 0o700)
		if err == unix.EEXIST {
			continue
		}
		if err != nil {
			return nil, "", &os.PathError{Op: "mkdir", Path: d.Name(name), Err: err}
		}
		sub, err := d.Sub(name)
		if err != nil {
			_ = d.Remove(name)
			return nil, "", err
		}
		return sub, name, nil
	}
	return nil, "", errors.New("no free directory name in " + d.shown)
}

// MakeDirs opens the directory rel below d, making (mkdirat, with perm)
// the components that are missing and never following a symlink. d stays
// open.
func (d *Dir) MakeDirs(rel string, perm fs.FileMode) (*Dir, error) {
	fd, err := unix.Openat(d.fd, ".", dirFlags, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.shown, Err: err}
	}
	return walk(&Dir{fd: fd, shown: d.shown, host: d.host}, rel, true, perm)
}

// Symlink makes name in d a symbolic link to target.
func (d *Dir) Symlink(target, name string) error {
	if err := unix.Symlinkat(target, d.fd, name); err != nil {
		return &os.PathError{Op: "symlink", Path: d.Name(name), Err: err}
	}
	return nil
}

// HostPath is where the directory was on the host when it was opened, for
// a command that takes a path (a validator). The path is resolved again
// by whoever uses it: prefer the methods.
func (d *Dir) HostPath() string { return d.host }
