package managedfile

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/tendhq/tend/resources/atomicfile"
)

// commit puts a staged file in place; tests swap it to fail one commit,
// as a full or read-only file system would.
var commit = func(s *atomicfile.Staged) error { return s.Commit() }

// Install writes every file and puts them in place together. It
// guarantees:
//
//   - Each file is written beside its target, complete, with its final
//     owner and mode, and synced, before any goes live (atomicfile.Stage,
//     in a handle on its directory opened beneath the root without
//     following symlinks). A failure here changes nothing.
//   - They go live in the order given, each by one rename. When a rename
//     fails, the files already renamed get back their previous content,
//     owner and mode (or are removed when they did not exist), last first,
//     so the set is replaced together or not at all. The error says so,
//     or says which file could not be put back.
//   - An owner, group or mode the spec leaves alone is the replaced
//     file's own.
//   - What no code can close is a run killed between two renames; the
//     next Read sees the remaining files differ and the next plan
//     installs them.
//   - The previous content is held in memory only for the undo and
//     cleared afterwards; it is never written anywhere else.
func Install(files ...*File) error {
	staged := make([]*stagedFile, 0, len(files))
	defer func() {
		for _, s := range staged {
			s.close()
		}
	}()
	for _, f := range files {
		s, err := f.stage()
		if err != nil {
			return err
		}
		staged = append(staged, s)
	}
	for i, s := range staged {
		if err := commit(s.staged); err != nil {
			return undo(staged[:i], err)
		}
		s.live = true
	}
	return nil
}

// undo puts back what the live files replaced, last first.
func undo(live []*stagedFile, cause error) error {
	if len(live) == 0 {
		return cause
	}
	for i := len(live) - 1; i >= 0; i-- {
		if err := live[i].restore(); err != nil {
			return fmt.Errorf("%w; putting the previous %s back failed too: %w", cause, live[i].f.spec.Path, err)
		}
	}
	return fmt.Errorf("%w (the files installed before it were put back)", cause)
}

// stagedFile is one file of an Install: its directory, its staged new
// content, and what it replaces.
type stagedFile struct {
	f      *File
	dir    *atomicfile.Dir
	staged *atomicfile.Staged
	old    previous
	live   bool
}

// previous is what was at the path before.
type previous struct {
	exists   bool
	data     []byte
	mode     fs.FileMode
	uid, gid int
}

func (f *File) stage() (*stagedFile, error) {
	d, err := atomicfile.OpenDir(f.env.Root, filepath.Dir(f.spec.Path))
	var pe *atomicfile.ParentError
	if errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: parent directory %s does not exist; manage it with a file resource (ensure = \"directory\")", f.spec.Path, pe.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.spec.Path, err)
	}
	s := &stagedFile{f: f, dir: d}
	if s.old, err = f.previous(d); err != nil {
		d.Close()
		return nil, err
	}
	opts, err := f.options(s.old)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("%s: %w", f.spec.Path, err)
	}
	if s.staged, err = d.Stage(filepath.Base(f.spec.Path), f.spec.Content, opts); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// previous reads what the file replaces.
func (f *File) previous(d *atomicfile.Dir) (previous, error) {
	data, fi, err := d.ReadFile(filepath.Base(f.spec.Path), 0)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi == nil) {
		return previous{}, nil
	}
	if err != nil {
		return previous{}, err
	}
	uid, gid := ownerOf(fi)
	return previous{exists: true, data: data, mode: fi.Mode() & ModeBits, uid: uid, gid: gid}, nil
}

// options resolves the spec's owner, group and mode; what it leaves alone
// is the replaced file's.
func (f *File) options(old previous) (atomicfile.Options, error) {
	uid, gid, mode := -1, -1, f.spec.Mode
	if old.exists {
		uid, gid = old.uid, old.gid
		if mode == 0 {
			mode = old.mode
		}
	}
	var err error
	if f.spec.Owner != "" {
		if uid, err = UserID(f.env, f.spec.Owner); err != nil {
			return atomicfile.Options{}, err
		}
	}
	if f.spec.Group != "" {
		if gid, err = GroupID(f.env, f.spec.Group); err != nil {
			return atomicfile.Options{}, err
		}
	}
	return atomicfile.Options{Mode: mode, Owner: atomicfile.OwnedBy(uid, gid)}, nil
}

// restore puts back what a live file replaced.
func (s *stagedFile) restore() error {
	name := filepath.Base(s.f.spec.Path)
	if !s.old.exists {
		return s.dir.Remove(name)
	}
	return s.dir.WriteFile(name, s.old.data, atomicfile.Options{Mode: s.old.mode, Owner: atomicfile.OwnedBy(s.old.uid, s.old.gid)})
}

func (s *stagedFile) close() {
	if s.staged != nil && !s.live {
		s.staged.Abort()
	}
	clear(s.old.data)
	s.dir.Close()
}
