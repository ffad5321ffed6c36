package files

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tendhq/tend/providers/files/atomicfile"
	"github.com/tendhq/tend/resources"
)

// Apply looks at the path again and carries out the planned change. If the
// host moved since the plan so that another action is now needed, it
// refuses rather than do something nobody reviewed.
func (r *file) Apply(ctx context.Context, c resources.Change) error {
	o, err := r.observe()
	if err != nil {
		return err
	}
	now, err := r.Plan(ctx, r.state(o))
	if err != nil {
		return err
	}
	if now.Action == resources.NoOp {
		return nil
	}
	if now.Action != c.Action {
		return fmt.Errorf("%s changed since it was planned: the plan said %s, now it needs %s (%s)", r.spec.path, c.Action, now.Action, now.Reason)
	}
	if r.spec.ensure == ensureAbsent {
		return r.remove(o)
	}
	if missing, err := CheckParents(r.env, r.spec.path); err != nil || missing != "" {
		if err == nil {
			err = fmt.Errorf("parent directory %s does not exist; manage it with a directory resource", filepath.Dir(r.spec.path))
		}
		return err
	}
	switch r.spec.ensure {
	case ensureDirectory:
		return r.applyDirectory(o)
	case ensureLink:
		return r.applyLink(o)
	}
	return r.applyFile(ctx, o)
}

// applyFile writes the content atomically, or only fixes owner and mode in
// place when the content is already right.
func (r *file) applyFile(ctx context.Context, o observation) error {
	if o.what == ensureFile && (!r.spec.hasContent || o.sum == r.spec.sum) {
		return r.fixInPlace(o)
	}
	opts, err := r.writeOptions(o)
	if err != nil {
		return err
	}
	opts.Validate = func(tmp string) error { return r.beforeRename(ctx, o, tmp) }
	return atomicfile.WriteFile(r.full, r.spec.content, opts)
}

// beforeRename runs once the new content sits complete in its temporary
// file. Only when the validator accepts it is the old content backed up,
// or a directory (Plan required force) removed to make room: a rejected
// change leaves no trace.
func (r *file) beforeRename(ctx context.Context, o observation, tmp string) error {
	if r.spec.validateCmd != "" {
		if err := runValidator(ctx, r.spec.validateCmd, tmp, r.spec.sensitive); err != nil {
			return fmt.Errorf("%s: %w", r.spec.path, err)
		}
	}
	switch o.what {
	case ensureFile:
		return r.backupCurrent()
	case ensureDirectory:
		return os.RemoveAll(r.full)
	}
	return nil
}

// writeOptions decides the new file's owner and mode: as configured, else
// as the file it replaces had them, else the defaults.
func (r *file) writeOptions(o observation) (atomicfile.Options, error) {
	uid, gid, err := r.wantIDs()
	if err != nil {
		return atomicfile.Options{}, err
	}
	mode, same := r.spec.mode, o.what == ensureFile
	if !r.spec.hasMode {
		mode = defaultFileMode
		if same {
			mode = o.mode
		}
	}
	if same && uid == -1 {
		uid = o.uid
	}
	if same && gid == -1 {
		gid = o.gid
	}
	return atomicfile.Options{Mode: mode, UID: uid, GID: gid}, nil
}

// wantIDs resolves the configured owner and group; -1 is unmanaged.
func (r *file) wantIDs() (uid, gid int, err error) {
	uid, gid = -1, -1
	if r.spec.owner != "" {
		if uid, err = r.acct.users.id(r.spec.owner); err != nil {
			return 0, 0, err
		}
	}
	if r.spec.group != "" {
		if gid, err = r.acct.groups.id(r.spec.group); err != nil {
			return 0, 0, err
		}
	}
	return uid, gid, nil
}

// fixInPlace sets owner and mode of a thing whose content is right,
// without rewriting it.
func (r *file) fixInPlace(o observation) error {
	uid, gid, err := r.wantIDs()
	if err != nil {
		return err
	}
	if uid == o.uid {
		uid = -1
	}
	if gid == o.gid {
		gid = -1
	}
	if o.what == ensureLink {
		if uid == -1 && gid == -1 {
			return nil
		}
		return os.Lchown(r.full, uid, gid)
	}
	mode := o.mode
	if r.spec.hasMode {
		mode = r.spec.mode
	}
	// chown clears setuid and setgid bits, so mode is set again after it.
	if uid == -1 && gid == -1 && mode == o.mode {
		return nil
	}
	return setOwnerMode(r.full, uid, gid, mode)
}

// setOwnerMode changes owner (-1 keeps) then mode through a descriptor
// that cannot have followed a symlink swapped in at the path.
func setOwnerMode(path string, uid, gid int, mode fs.FileMode) error {
	f, err := os.OpenFile(path, noFollow, 0)
	if errors.Is(err, fs.ErrPermission) {
		// Not root and not readable: the owner may still chmod by path.
		return setOwnerModeByPath(path, uid, gid, mode)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if uid != -1 || gid != -1 {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	return f.Chmod(mode)
}

func setOwnerModeByPath(path string, uid, gid int, mode fs.FileMode) error {
	if uid != -1 || gid != -1 {
		if err := os.Lchown(path, uid, gid); err != nil {
			return err
		}
	}
	return os.Chmod(path, mode)
}

// applyDirectory makes a directory, replacing a file, link or (with force)
// special file. The directory is 0700 until its owner and mode are set.
func (r *file) applyDirectory(o observation) error {
	switch o.what {
	case ensureDirectory:
		return r.fixInPlace(o)
	case ensureFile:
		if err := r.backupCurrent(); err != nil {
			return err
		}
	}
	if o.what != ensureAbsent {
		if err := os.Remove(r.full); err != nil {
			return err
		}
	}
	uid, gid, err := r.wantIDs()
	if err != nil {
		return err
	}
	mode := defaultDirMode
	if r.spec.hasMode {
		mode = r.spec.mode
	}
	if err := os.Mkdir(r.full, 0700); err != nil {
		return err
	}
	if err := setOwnerMode(r.full, uid, gid, mode); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(r.full))
}

// applyLink points the link at its target by renaming a fresh symlink over
// the path, so the path is never missing or half-made.
func (r *file) applyLink(o observation) error {
	if o.what == ensureLink && o.target == r.spec.target {
		return r.fixInPlace(o)
	}
	if o.what == ensureFile {
		if err := r.backupCurrent(); err != nil {
			return err
		}
	}
	uid, gid, err := r.wantIDs()
	if err != nil {
		return err
	}
	tmp, err := tempSymlink(r.spec.target, r.full)
	if err != nil {
		return err
	}
	if err := r.placeLink(tmp, o, uid, gid); err != nil {
		os.Remove(tmp)
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(r.full))
}

func (r *file) placeLink(tmp string, o observation, uid, gid int) error {
	if uid != -1 || gid != -1 {
		if err := os.Lchown(tmp, uid, gid); err != nil {
			return err
		}
	}
	// rename cannot replace a directory; Plan required force for this.
	if o.what == ensureDirectory {
		if err := os.RemoveAll(r.full); err != nil {
			return err
		}
	}
	return os.Rename(tmp, r.full)
}

// tempSymlink makes a symlink to target under an unused name beside path.
func tempSymlink(target, path string) (string, error) {
	for range 10 {
		var b [8]byte
		rand.Read(b[:])
		tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tend-"+hex.EncodeToString(b[:]))
		err := os.Symlink(target, tmp)
		if err == nil {
			return tmp, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("no free temporary name beside %s", path)
}

// remove deletes what is at the path, keeping a regular file's content.
func (r *file) remove(o observation) error {
	var err error
	switch {
	case o.what == ensureFile:
		if err = r.backupCurrent(); err == nil {
			err = os.Remove(r.full)
		}
	case o.what == ensureDirectory && r.spec.force:
		err = os.RemoveAll(r.full)
	default:
		err = os.Remove(r.full)
	}
	if err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(r.full))
}
