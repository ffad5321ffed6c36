package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"

	"github.com/tendhq/tend/resources"
)

// file is one bound file resource.
type file struct {
	spec spec
	env  resources.Env
	// full is spec.path under the run's root: what the host calls it.
	full string
	acct *accounts
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

// noFollow opens a path for reading without following a final symlink
// and without blocking should it have become a fifo since it was looked at.
const noFollow = os.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// Read observes the path with one lstat, plus one open and hash for a
// regular file whose content is managed. It changes nothing.
func (r *file) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o, err := r.observe()
	if err != nil {
		return nil, err
	}
	return r.state(o), nil
}

func (r *file) observe() (observation, error) {
	fi, err := os.Lstat(r.full)
	if missing(err) {
		return observation{what: ensureAbsent}, nil
	}
	if err != nil {
		return observation{}, err
	}
	o := observationOf(fi)
	switch {
	case o.what == ensureLink:
		o.target, err = os.Readlink(r.full)
	case o.what == ensureFile && r.spec.hasContent:
		return r.hashFile()
	}
	return o, err
}

func observationOf(fi fs.FileInfo) observation {
	o := observation{what: ensureOther, mode: fi.Mode() & modeBits, uid: -1, gid: -1}
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
func (r *file) hashFile() (observation, error) {
	f, err := os.OpenFile(r.full, noFollow, 0)
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
	st["owner"] = r.acct.users.name(o.uid)
	st["group"] = r.acct.groups.name(o.gid)
	if o.what == ensureLink {
		st["target"] = o.target
	} else {
		st["mode"] = formatMode(o.mode)
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

// readContent reads a regular file without following a final symlink.
func readContent(path string) ([]byte, error) {
	f, err := os.OpenFile(path, noFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// ReadRegular reads a regular file through one descriptor opened without
// following a final symlink (under a root, an absolute link target points
// outside it) and without blocking on a fifo, so content and info describe
// the same inode. A missing file is (nil, nil, nil). With limit > 0, at
// most limit bytes are read. Kinds that read what they manage share it.
func ReadRegular(path string, limit int64) ([]byte, fs.FileInfo, error) {
	f, err := os.OpenFile(path, noFollow, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if errors.Is(err, syscall.ELOOP) {
		return nil, nil, fmt.Errorf("%s is a symlink; refusing to follow it", path)
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
		return nil, nil, fmt.Errorf("%s is not a regular file", path)
	}
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	return b, fi, nil
}
