package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/tendhq/tend/resources/atomicfile"
)

// previous is what a file's path held before this run's Apply, kept in
// memory (never on disk: it may be sensitive) so that Revert can put it
// back when a health check fails after the change.
type previous struct {
	absent   bool
	content  []byte
	mode     fs.FileMode
	uid, gid int
}

// remember keeps what the path holds before Apply changes it, read in its
// parent d. Only regular files and absent paths can be put back; for
// anything else Revert says it cannot.
func (r *file) remember(d *atomicfile.Dir, o observation) error {
	r.prev = nil
	switch o.what {
	case ensureAbsent:
		r.prev = &previous{absent: true}
	case ensureFile:
		content, _, err := d.ReadFile(r.base, 0)
		if err != nil {
			return fmt.Errorf("%s: reading the current content: %w", r.spec.label(), err)
		}
		r.prev = &previous{content: content, mode: o.mode, uid: o.uid, gid: o.gid}
	}
	return nil
}

// Revert puts back what the path held before this run's Apply: the old
// content, owner and mode, written atomically, or no file at all.
func (r *file) Revert(ctx context.Context) error {
	p := r.prev
	if p == nil {
		return errors.New(r.spec.label() + ": only a regular file's content, owner and mode can be put back")
	}
	d, err := r.parent()
	if err != nil {
		return err
	}
	defer d.Close()
	if p.absent {
		if err := d.Remove(r.base); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", r.spec.label(), err)
		}
		return d.Sync()
	}
	opts := atomicfile.Options{Mode: p.mode, Owner: atomicfile.OwnedBy(p.uid, p.gid)}
	if err := d.WriteFile(r.base, p.content, opts); err != nil {
		return fmt.Errorf("putting the previous content back: %w", err)
	}
	return nil
}
