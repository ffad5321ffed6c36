package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tendhq/tend/providers/files/atomicfile"
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

// remember keeps what the path holds before Apply changes it. Only
// regular files and absent paths can be put back; for anything else
// Revert says it cannot.
func (r *file) remember(o observation) error {
	r.prev = nil
	switch o.what {
	case ensureAbsent:
		r.prev = &previous{absent: true}
	case ensureFile:
		content, err := readContent(r.full)
		if err != nil {
			return fmt.Errorf("%s: reading the current content: %w", r.spec.path, err)
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
		return errors.New(r.spec.path + ": only a regular file's content, owner and mode can be put back")
	}
	if p.absent {
		if err := os.Remove(r.full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", r.spec.path, err)
		}
		return atomicfile.SyncDir(filepath.Dir(r.full))
	}
	opts := atomicfile.Options{Mode: p.mode, UID: p.uid, GID: p.gid}
	if err := atomicfile.WriteFile(r.full, p.content, opts); err != nil {
		return fmt.Errorf("%s: putting the previous content back: %w", r.spec.path, err)
	}
	return nil
}
