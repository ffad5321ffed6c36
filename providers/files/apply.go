package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// Apply looks at the path again and carries out the planned change. If the
// host moved since the plan so that another action is now needed, it
// refuses rather than do something nobody reviewed. Everything happens in
// one handle on the parent directory (see parent): a directory swapped for
// a symlink meanwhile cannot redirect a read or a write.
func (r *file) Apply(ctx context.Context, c resources.Change) error {
	d, err := r.parent()
	if err != nil {
		var pe *atomicfile.ParentError
		if errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist) && r.spec.ensure != ensureAbsent {
			err = fmt.Errorf("parent directory %s does not exist; manage it with a directory resource", r.spec.dirLabel(pe.Dir))
		}
		if r.spec.ensure == ensureAbsent && managedfile.AbsentParent(err) {
			return nil
		}
		return err
	}
	defer d.Close()
	o, err := r.observe(d)
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
		return fmt.Errorf("%s changed since it was planned: the plan said %s, now it needs %s (%s)", r.spec.label(), c.Action, now.Action, now.Reason)
	}
	if err := r.remember(d, o); err != nil {
		return err
	}
	switch r.spec.ensure {
	case ensureAbsent:
		return r.remove(d, o)
	case ensureDirectory:
		return r.applyDirectory(d, o)
	case ensureLink:
		return r.applyLink(d, o)
	}
	return r.applyFile(ctx, d, o)
}

// applyFile writes the content atomically, or only fixes owner and mode in
// place when the content is already right.
func (r *file) applyFile(ctx context.Context, d *atomicfile.Dir, o observation) error {
	if r.spec.sensitive {
		if err := r.recordSensitive(true); err != nil {
			return err
		}
	}
	if o.what == ensureFile && (!r.spec.hasContent || o.sum == r.spec.sum) {
		return r.fixInPlace(d, o)
	}
	opts, err := r.writeOptions(o)
	if err != nil {
		return err
	}
	opts.Validate = func(tmp string) error { return r.beforeRename(ctx, d, o, tmp) }
	if err := d.WriteFile(r.base, r.spec.content, opts); err != nil {
		return err
	}
	if r.spec.hasContent && !r.spec.sensitive {
		return r.recordSensitive(false)
	}
	return nil
}

// beforeRename runs once the new content sits complete in its temporary
// file. Only when the validator accepts it is the old content backed up,
// or a directory (Plan required force) removed to make room: a rejected
// change leaves no trace.
func (r *file) beforeRename(ctx context.Context, d *atomicfile.Dir, o observation, tmp string) error {
	if r.spec.validateCmd != "" {
		if err := runValidator(ctx, r.env.Root, r.spec.validateCmd, tmp, withheldIf(r.spec.sensitive)); err != nil {
			return fmt.Errorf("%s: %w", r.spec.label(), err)
		}
	}
	switch o.what {
	case ensureFile:
		return r.backupCurrent(d)
	case ensureDirectory:
		return d.RemoveAll(r.base)
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
	return atomicfile.Options{Mode: mode, Owner: atomicfile.OwnedBy(uid, gid)}, nil
}

// wantIDs resolves the configured owner and group; -1 is unmanaged.
func (r *file) wantIDs() (uid, gid int, err error) {
	uid, gid = -1, -1
	if r.spec.owner != "" {
		if uid, err = managedfile.UserID(r.env, r.spec.owner); err != nil {
			return 0, 0, err
		}
	}
	if r.spec.group != "" {
		if gid, err = managedfile.GroupID(r.env, r.spec.group); err != nil {
			return 0, 0, err
		}
	}
	return uid, gid, nil
}

// fixInPlace sets owner and mode of a thing whose content is right,
// without rewriting it.
func (r *file) fixInPlace(d *atomicfile.Dir, o observation) error {
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
		return d.Lchown(r.base, uid, gid)
	}
	mode := o.mode
	if r.spec.hasMode {
		mode = r.spec.mode
	}
	// chown clears setuid and setgid bits, so mode is set again after it.
	if uid == -1 && gid == -1 && mode == o.mode {
		return nil
	}
	return d.SetOwnerMode(r.base, uid, gid, mode)
}

// applyDirectory makes a directory (mkdirat), replacing a file, link or
// (with force) special file. The directory is 0700 until its owner and
// mode are set.
func (r *file) applyDirectory(d *atomicfile.Dir, o observation) error {
	switch o.what {
	case ensureDirectory:
		return r.fixInPlace(d, o)
	case ensureFile:
		if err := r.backupCurrent(d); err != nil {
			return err
		}
	}
	if o.what != ensureAbsent {
		if err := d.Remove(r.base); err != nil {
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
	if err := d.Mkdir(r.base, 0700); err != nil {
		return err
	}
	if err := d.SetOwnerMode(r.base, uid, gid, mode); err != nil {
		return err
	}
	return d.Sync()
}

// applyLink points the link at its target by renaming a fresh symlink
// (symlinkat) over the path (renameat), so the path is never missing or
// half-made.
func (r *file) applyLink(d *atomicfile.Dir, o observation) error {
	if o.what == ensureLink && o.target == r.spec.target {
		return r.fixInPlace(d, o)
	}
	if o.what == ensureFile {
		if err := r.backupCurrent(d); err != nil {
			return err
		}
	}
	uid, gid, err := r.wantIDs()
	if err != nil {
		return err
	}
	s, err := d.StageLink(r.base, r.spec.target, atomicfile.OwnedBy(uid, gid))
	if err != nil {
		return err
	}
	// rename cannot replace a directory; Plan required force for this.
	if o.what == ensureDirectory {
		if err := d.RemoveAll(r.base); err != nil {
			s.Abort()
			return err
		}
	}
	return s.Commit()
}

// remove deletes what is at the path, keeping a regular file's content.
func (r *file) remove(d *atomicfile.Dir, o observation) error {
	var err error
	switch {
	case o.what == ensureFile:
		if err = r.backupCurrent(d); err == nil {
			err = d.Remove(r.base)
		}
	case o.what == ensureDirectory && r.spec.force:
		err = d.RemoveAll(r.base)
	default:
		err = d.Remove(r.base)
	}
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		return err
	}
	return r.recordSensitive(false)
}
