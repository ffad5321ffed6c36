package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// file is one bound file resource.
type file struct {
	spec spec
	env  resources.Env
	// base is the path's last component, the name in its parent.
	base string
	// prev is what Apply replaced, for Revert.
	prev *previous
}

// observation is what one look at the managed path found.
type observation struct {
	what     ensure
	mode     fs.FileMode
	uid, gid int
	// sum is a regular file's hex sha256, when content is managed.
	sum string
	// target is a link's target.
	target string
}

// Read observes the path with one lstat, plus one open and hash for a
// regular file whose content is managed, all in a handle on its parent
// directory (see parent). It changes nothing.
func (r *file) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := r.parent()
	if managedfile.AbsentParent(err) {
		return r.state(observation{what: ensureAbsent}), nil
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	o, err := r.observe(d)
	if err != nil {
		return nil, err
	}
	return r.state(o), nil
}

// TempDirs is the path's directory, where its temporary files go.
func (r *file) TempDirs() []string { return []string{filepath.Dir(r.spec.path)} }

// Sweep removes what killed runs left in dir (resources.Sweeper).
func (r *file) Sweep(dir string) (int, error) { return managedfile.SweepDir(r.env, dir) }

// parent opens the directory holding the path, walked from a handle on
// the root one component at a time without following symlinks, so what
// is read and written through it is never outside the root.
func (r *file) parent() (*atomicfile.Dir, error) {
	return atomicfile.OpenDir(r.env.Root, filepath.Dir(r.spec.path))
}

// observe looks at the path in its parent d.
func (r *file) observe(d *atomicfile.Dir) (observation, error) {
	fi, err := d.Lstat(r.base)
	if missing(err) {
		return observation{what: ensureAbsent}, nil
	}
	if err != nil {
		return observation{}, err
	}
	o := observationOf(fi)
	switch {
	case o.what == ensureLink:
		o.target, err = d.Readlink(r.base)
	case o.what == ensureFile && r.spec.hasContent:
		return r.hashFile(d)
	}
	return o, err
}

func observationOf(fi fs.FileInfo) observation {
	o := observation{what: ensureOther, mode: fi.Mode() & managedfile.ModeBits, uid: -1, gid: -1}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		o.uid, o.gid = int(st.Uid), int(st.Gid)
	}
	switch {
	case fi.Mode().IsRegular():
		o.what = ensureFile
	case fi.IsDir():
		o.what = ensureDirectory
	case fi.Mode()&fs.ModeSymlink != 0:
		o.what = ensureLink
	}
	return o
}

// hashBufSize is the read buffer of hashFile.
const hashBufSize = 32 << 10

// hashBufs recycles hashFile's read buffers: a run hashes every managed
// file, and a buffer per file was most of a no-op run's garbage.
var hashBufs = sync.Pool{New: func() any { return new([hashBufSize]byte) }}

// hashFile observes a regular file through one descriptor, so owner, mode
// and digest all describe the same inode.
func (r *file) hashFile(d *atomicfile.Dir) (observation, error) {
	f, err := d.Open(r.base)
	if missing(err) {
		return observation{what: ensureAbsent}, nil
	}
	if err != nil {
		return observation{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return observation{}, err
	}
	o := observationOf(fi)
	if o.what != ensureFile {
		return o, nil
	}
	h := sha256.New()
	buf := hashBufs.Get().(*[hashBufSize]byte)
	defer hashBufs.Put(buf)
	// The struct hides (*os.File).WriteTo, which would allocate a fresh
	// 32 KiB buffer for every file hashed.
	if _, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf[:]); err != nil {
		return observation{}, err
	}
	o.sum = hex.EncodeToString(h.Sum(nil))
	return o, nil
}

// state turns an observation into the facts a plan records; ids show as
// names where the root knows them.
func (r *file) state(o observation) resources.State {
	st := resources.State{"ensure": o.what.String()}
	if o.what == ensureAbsent {
		return st
	}
	st["owner"] = managedfile.UserName(r.env, o.uid)
	st["group"] = managedfile.GroupName(r.env, o.gid)
	if o.what == ensureLink {
		st["target"] = o.target
	} else {
		st["mode"] = managedfile.FormatMode(o.mode)
	}
	if o.sum != "" {
		st["sha256"] = o.sum
	}
	return st
}

// missing reports errors meaning nothing is at the path, including a
// parent that is not a directory (Plan reports that one).
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
