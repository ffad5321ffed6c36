package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// TempPrefix begins the name of every temporary file (and link) this
// package creates, so that a later run recognises what a killed one left
// (see Sweep).
const TempPrefix = ".tend-tmp-"

// StagingPrefix begins the name of a staging directory a run makes
// beside what it manages (a file group's candidate set): Sweep removes
// such a directory whole, as a killed run left it.
const StagingPrefix = TempPrefix + "dir-"

// Owner is who a written file ends up owned by. The zero value keeps the
// owner and group the file is created with: the running user, and the
// group the directory's rules give.
type Owner struct {
	uid, gid int
	set      bool
}

// OwnedBy sets the owner and the group; -1 keeps either one. Note that 0
// is root.
func OwnedBy(uid, gid int) Owner { return Owner{uid: uid, gid: gid, set: uid != -1 || gid != -1} }

// Options says what the written file ends up as.
type Options struct {
	// Mode is the final permission bits, setuid, setgid and sticky
	// included. Zero keeps the 0600 the temporary file is created with,
	// so a forgotten Mode fails private rather than open.
	Mode fs.FileMode
	// Owner is the final owner and group; the zero value leaves them.
	Owner Owner
	// Validate, when set, is called with the temporary file's path once it
	// holds the whole content with its final owner and mode, synced to
	// disk. An error aborts the write: the temporary file is removed, the
	// target is left untouched, and WriteFile returns the error as is.
	Validate func(tmpPath string) error
}

// maxBase bounds the target's name inside the temporary name, so the
// temporary name stays under NAME_MAX (255 bytes) with its prefix.
const maxBase = 200

// WriteFile atomically replaces path with data. Its directory is opened by
// its path (symlinks followed: the caller names a directory it trusts);
// everything after that happens in that directory's handle, with the
// guarantees of Dir.WriteFile.
func WriteFile(path string, data []byte, opts Options) error {
	d, err := openPath(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer d.Close()
	return d.WriteFile(filepath.Base(path), data, opts)
}

// WriteFile atomically replaces name in d with data. It guarantees:
//
//   - The temporary file is created in d's handle (openat), so the final
//     rename (renameat, in the same handle) never crosses a file system
//     and is atomic, and neither can be redirected by a directory swapped
//     for a symlink once d is open.
//   - The temporary file's name starts with TempPrefix; it is created
//     O_EXCL|O_NOFOLLOW, 0600 from its creation, and gets its final owner
//     and then its final mode (chown can clear setuid bits, so mode comes
//     second) on its descriptor before it is renamed into place: no one
//     ever sees the new content under name with the wrong owner or mode,
//     and content meant to be private is never readable more widely at
//     any moment.
//   - The content is fsynced before the rename and the directory after
//     it, so after a crash name holds the old or the new content, whole.
//   - Validate sees exactly what name will hold; its failure leaves name
//     byte-identical.
//   - On every error the temporary file is removed, and the error names
//     the target (as d names it) and the cause, never the temporary file
//     alone: "/etc/postfix/main.cf: no space left on device (writing the
//     new content; the old file is unchanged)".
//
// Replacing name replaces the directory entry: a symlink at name is
// replaced, not followed, and other hard links keep the old content.
func (d *Dir) WriteFile(name string, data []byte, opts Options) error {
	s, err := d.Stage(name, data, opts)
	if err != nil {
		return err
	}
	if opts.Validate != nil {
		if err := opts.Validate(s.Path()); err != nil {
			s.Abort()
			return err
		}
	}
	return s.Commit()
}

// Staged is new content waiting beside its target in a temporary file,
// complete, with its final owner and mode, synced to disk. Commit puts it
// in place, Abort removes it; one of the two must be called, and the
// directory must stay open until then.
type Staged struct {
	dir       *Dir
	tmp, name string
	done      bool
}

// Stage writes data to a new temporary file beside name in d (see
// WriteFile for how). opts.Validate is not called: Path is there for that.
func (d *Dir) Stage(name string, data []byte, opts Options) (*Staged, error) {
	f, tmp, err := d.createTemp(name)
	if err != nil {
		return nil, d.writeError(name, err, "creating the new content beside it")
	}
	err = fill(f, data, opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		unix.Unlinkat(d.fd, tmp, 0)
		return nil, d.writeError(name, err, "writing the new content")
	}
	return &Staged{dir: d, tmp: tmp, name: name}, nil
}

// Path is the temporary file's path on the host, for a validator.
func (s *Staged) Path() string { return s.dir.hostPath(s.tmp) }

// Commit renames the temporary file over the target and makes the rename
// durable.
func (s *Staged) Commit() error {
	if s.done {
		return fmt.Errorf("%s: the staged content was already committed or aborted", s.dir.Name(s.name))
	}
	s.done = true
	if err := unix.Renameat(s.dir.fd, s.tmp, s.dir.fd, s.name); err != nil {
		unix.Unlinkat(s.dir.fd, s.tmp, 0)
		return s.dir.writeError(s.name, err, "putting the new content in place")
	}
	if err := s.dir.Sync(); err != nil {
		return fmt.Errorf("%s: the new content is in place, but %w", s.dir.Name(s.name), err)
	}
	return nil
}

// Abort removes the temporary file; the target was never touched.
func (s *Staged) Abort() {
	if !s.done {
		s.done = true
		unix.Unlinkat(s.dir.fd, s.tmp, 0)
	}
}

// tempName is a fresh temporary name for name.
func tempName(name string) string {
	if len(name) > maxBase {
		name = name[:maxBase]
	}
	var b [8]byte
	rand.Read(b[:])
	return TempPrefix + hex.EncodeToString(b[:]) + "." + name
}

// createTemp creates a new temporary file for name in d, 0600, never
// following or reusing what is there.
func (d *Dir) createTemp(name string) (*os.File, string, error) {
	const flags = unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_CLOEXEC
	for range 10 {
		tmp := tempName(name)
		fd, err := unix.Openat(d.fd, tmp, flags, 0600)
		if err == nil {
			return os.NewFile(uintptr(fd), d.Name(tmp)), tmp, nil
		}
		if err != unix.EEXIST {
			return nil, "", err
		}
	}
	return nil, "", errors.New("no free temporary name")
}

// fill writes the content and gives the file its final owner and mode on
// its descriptor, then makes it durable.
func fill(f *os.File, data []byte, opts Options) error {
	if _, err := f.Write(data); err != nil {
		return err
	}
	if opts.Owner.set {
		if err := f.Chown(opts.Owner.uid, opts.Owner.gid); err != nil {
			return err
		}
	}
	if opts.Mode != 0 {
		if err := f.Chmod(opts.Mode); err != nil {
			return err
		}
	}
	return f.Sync()
}

// writeError names the target and the cause of a failed write, and says
// what became of the target: the temporary file's name is left out.
func (d *Dir) writeError(name string, err error, step string) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var st unix.Stat_t
	after := "the old file is unchanged"
	if unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == unix.ENOENT {
		after = "nothing was created"
	}
	return fmt.Errorf("%s: %w (%s; %s)", d.Name(name), err, step, after)
}

// SyncDir makes a directory's entries (a rename, a new or removed file)
// durable. File systems that cannot fsync a directory (EINVAL) are as
// durable as they allow, so that is not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// WriteBeneath atomically replaces p, a managed absolute path, under root
// ("" or "/" for the host's): its directory is opened with OpenDir (no
// symlinked parent), then Dir.WriteFile writes it.
func WriteBeneath(root, p string, data []byte, opts Options) error {
	d, err := OpenDir(root, filepath.Dir(p))
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	defer d.Close()
	return d.WriteFile(filepath.Base(p), data, opts)
}
