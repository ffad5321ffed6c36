package managedfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// Spec is one file a kind manages: where, what, whose, which mode.
type Spec struct {
	// Path is absolute, as on the host; every operation happens beneath
	// the run's root, without following a symlink at the path or above.
	Path    string
	Content []byte
	// Owner and Group are names or numeric ids, resolved in the root's
	// own account files. "" leaves them alone: an existing file keeps
	// its own, a new one gets the running user's.
	Owner, Group string
	// Mode is the permission bits. 0 leaves them alone: an existing file
	// keeps its own, a new one is created 0600.
	Mode fs.FileMode
	// Sensitive content is never shown, not even as a digest.
	Sensitive bool
}

// File is a Spec bound to a run's environment: the part of a kind that
// reads, compares and writes one file, with the guarantees of the file
// kind. A kind managing several files composes several Files: it reads
// each (Observe, Facts), plans from their differences (Diff, Missing),
// and installs them together (Install).
type File struct {
	env  resources.Env
	spec Spec
}

// New binds spec to env. The path is cleaned.
func New(env resources.Env, spec Spec) *File {
	spec.Path = filepath.Clean(spec.Path)
	return &File{env: env, spec: spec}
}

// Path is the file's path as configured (not under the root).
func (f *File) Path() string { return f.spec.Path }

// Identities names the file, as the file kind names its path: a file
// resource on the same path conflicts with the kind composing f.
func (f *File) Identities() []resources.ID { return []resources.ID{resources.FileID(f.spec.Path)} }

// Order puts the kind after the file's parent directories and its owner
// and group, when other resources manage them.
func (f *File) Order() []resources.Order {
	return append(resources.AfterAccounts(f.spec.Owner, f.spec.Group), resources.AfterParents(f.spec.Path)...)
}

// Observed is what is at the path now.
type Observed struct {
	Exists bool
	// Sum is the content's SHA-256, in hex.
	Sum      string
	Mode     fs.FileMode
	UID, GID int
}

// Observe looks at the file. A path that holds something other than a
// regular file, or whose parent is a symlink, is an error naming it.
func (f *File) Observe() (Observed, error) {
	data, fi, err := ReadRegular(f.env, f.spec.Path, 0)
	if err != nil {
		return Observed{}, fmt.Errorf("%s: %w", f.spec.Path, err)
	}
	if fi == nil {
		return Observed{}, nil
	}
	defer clear(data)
	uid, gid := ownerOf(fi)
	return Observed{Exists: true, Sum: sum(data), Mode: fi.Mode() & ModeBits, UID: uid, GID: gid}, nil
}

// Facts records o in a State under names that start with prefix
// ("sources_sha256", "sources_owner", ...), ids shown as names where the
// root knows them. A missing file records nothing.
func (f *File) Facts(prefix string, o Observed) resources.State {
	st := resources.State{}
	if !o.Exists {
		return st
	}
	st[prefix+"sha256"] = o.Sum
	st[prefix+"owner"] = UserName(f.env, o.UID)
	st[prefix+"group"] = GroupName(f.env, o.GID)
	st[prefix+"mode"] = FormatMode(o.Mode)
	return st
}

// Diff compares the spec with what Facts recorded under prefix: the
// attribute changes a plan shows (a sensitive content's as masked
// values), and why, in words that name the path. Nothing differs when
// both are empty.
func (f *File) Diff(prefix string, st resources.State) ([]resources.AttrChange, []string) {
	old := st[prefix+"sha256"]
	want := sum(f.spec.Content)
	var attrs []resources.AttrChange
	var why []string
	if old == "" {
		why = append(why, f.spec.Path+" does not exist")
	} else if old != want {
		why = append(why, f.spec.Path+" content differs")
	}
	if old != want {
		attrs = append(attrs, resources.NewAttrChange(prefix+"sha256", old, want, f.spec.Sensitive))
	}
	for _, m := range []struct{ name, want string }{
		{"owner", CanonicalUser(f.env, f.spec.Owner)},
		{"group", CanonicalGroup(f.env, f.spec.Group)},
		{"mode", f.wantMode()},
	} {
		have := st[prefix+m.name]
		if m.want == "" || have == m.want {
			continue
		}
		attrs = append(attrs, resources.NewAttrChange(prefix+m.name, have, m.want, false))
		if old != "" {
			why = append(why, f.spec.Path+" "+m.name+" differs")
		}
	}
	return attrs, why
}

func (f *File) wantMode() string {
	if f.spec.Mode == 0 {
		return ""
	}
	return FormatMode(f.spec.Mode)
}

// diffLimit bounds what ContentDiff reads of the current file.
const diffLimit = 1 << 20

// ContentDiff reads the file as it is now and compares it line by line
// with the spec's content, for a plan's Change.Content (nil when they are
// equal): a sensitive spec shows line numbers only (resources.DiffText).
// A current file over 1 MiB is compared as a missing one would be.
func (f *File) ContentDiff() (*resources.ContentDiff, error) {
	old, fi, err := ReadRegular(f.env, f.spec.Path, diffLimit+1)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.spec.Path, err)
	}
	defer clear(old)
	if fi != nil && bytes.Equal(old, f.spec.Content) {
		return nil, nil
	}
	if len(old) > diffLimit {
		old = nil
	}
	return resources.DiffText(f.spec.Path, old, f.spec.Content, f.spec.Sensitive), nil
}

// Missing lists, for a plan's Change.Missing and MissingPaths, the owner
// and group the root does not have yet and the parent directories that do
// not exist.
func (f *File) Missing() ([]resources.AccountRef, []resources.PathNeed, error) {
	refs := MissingAccounts(f.env,
		resources.AccountRef{Attr: "owner", Account: resources.Account{Kind: resources.UserAccount, Name: f.spec.Owner}},
		resources.AccountRef{Attr: "group", Account: resources.Account{Kind: resources.GroupAccount, Name: f.spec.Group}})
	paths, err := MissingParents(f.env, f.spec.Path)
	return refs, paths, err
}

// Remove deletes the file; a missing one is no error.
func (f *File) Remove() error {
	d, err := atomicfile.OpenDir(f.env.Root, filepath.Dir(f.spec.Path))
	if AbsentParent(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", f.spec.Path, err)
	}
	defer d.Close()
	err = d.Remove(filepath.Base(f.spec.Path))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", f.spec.Path, err)
	}
	return nil
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ModeBits are the bits a file's mode is managed by; fs.FileMode keeps
// the special bits apart from the permission bits.
const ModeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// FormatMode prints a mode as four octal digits, setuid, setgid and
// sticky included, the way State holds it.
func FormatMode(m fs.FileMode) string {
	n := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		n |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		n |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		n |= 0o1000
	}
	return fmt.Sprintf("%04o", n)
}

// ownerOf is the owner and group of what fi describes; -1 each when the
// file system says nothing.
func ownerOf(fi fs.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
