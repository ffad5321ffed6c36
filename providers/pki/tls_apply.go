package pki

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/providers/files/atomicfile"
	"github.com/tendhq/tend/resources"
)

// rename is os.Rename; tests swap it to fail the second rename.
var tlsRename = os.Rename

// Apply checks the pair again, looks at the host again, and replaces both
// files. If the host moved since the plan so that another action is now
// needed, it refuses rather than do something nobody reviewed.
func (r *tlsCertificate) Apply(ctx context.Context, c resources.Change) error {
	st, err := r.Read(ctx)
	if err != nil {
		return err
	}
	now, err := r.Plan(ctx, st)
	if err != nil || now.Action == resources.NoOp {
		return err
	}
	if now.Action != c.Action {
		return fmt.Errorf("%s changed since it was planned: the plan said %s, now it needs %s (%s)", r.spec.keyFile.path, c.Action, now.Action, now.Reason)
	}
	for _, t := range []tlsTarget{r.spec.keyFile, r.spec.chainFile} {
		missing, err := files.CheckParents(r.env, t.path)
		if err != nil {
			return err
		}
		if missing != "" {
			return fmt.Errorf("parent directory %s does not exist; manage it with a file resource (ensure = \"directory\")", missing)
		}
	}
	return r.replacePair()
}

// replacePair writes both files beside their targets, complete and with
// their final owner and mode, then renames the key and then the chain into
// place. Should the chain's rename fail, the previous key is put back, so
// the pair is replaced together or not at all. What no code can close is
// the moment between the two renames: a run killed there leaves the new
// key beside the old chain; Read then sees the chain differ, and the next
// run's plan is an Update that installs both.
func (r *tlsCertificate) replacePair() error {
	key, chain := r.spec.keyFile, r.spec.chainFile
	oldKey, err := r.observe(key)
	if err != nil {
		return err
	}
	defer clear(oldKey.data)
	keyTmp, err := r.stage(key)
	if err != nil {
		return err
	}
	chainTmp, err := r.stage(chain)
	if err != nil {
		os.Remove(keyTmp)
		return err
	}
	if err := tlsRename(keyTmp, key.full); err != nil {
		os.Remove(keyTmp)
		os.Remove(chainTmp)
		return fmt.Errorf("install %s: %w", key.path, err)
	}
	if err := tlsRename(chainTmp, chain.full); err != nil {
		os.Remove(chainTmp)
		if rerr := tlsRestoreKey(key, oldKey); rerr != nil {
			return fmt.Errorf("install %s: %w; putting the previous key back failed too (%v): %s no longer matches %s until the next run replaces both", chain.path, err, rerr, key.path, chain.path)
		}
		return fmt.Errorf("install %s: %w (the previous key was put back)", chain.path, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(key.full)); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(chain.full))
}

// tlsRestoreKey undoes the key's rename: the old content with its old owner
// and mode, or no file when there was none.
func tlsRestoreKey(key tlsTarget, old tlsFileState) error {
	if !old.exists {
		return os.Remove(key.full)
	}
	return atomicfile.WriteFile(key.full, old.data, atomicfile.Options{Mode: old.mode, UID: old.uid, GID: old.gid})
}

// stage writes a target's content to a new temporary file in its
// directory: 0600 from creation, then the final owner, then the final mode
// (chown may clear mode bits), synced to disk. It returns the file's path.
func (r *tlsCertificate) stage(t tlsTarget) (string, error) {
	uid, gid, err := r.ids(t)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(t.full), "."+filepath.Base(t.full)+".tend-*")
	if err != nil {
		return "", fmt.Errorf("create temporary file for %s: %w", t.path, err)
	}
	err = tlsFill(f, t.data, uid, gid, t.mode)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write temporary file for %s: %w", t.path, err)
	}
	return f.Name(), nil
}

func tlsFill(f *os.File, data []byte, uid, gid int, mode fs.FileMode) error {
	if _, err := f.Write(data); err != nil {
		return err
	}
	if uid != -1 || gid != -1 {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	return f.Sync()
}

// ids resolves a target's owner and group; an unmanaged one keeps what
// the replaced file had (-1: the creating user's).
func (r *tlsCertificate) ids(t tlsTarget) (uid, gid int, err error) {
	old, err := r.observe(t)
	if err != nil {
		return 0, 0, err
	}
	uid, gid = -1, -1
	if old.exists {
		uid, gid = old.uid, old.gid
	}
	clear(old.data)
	if t.owner != "" {
		if uid, err = files.UserID(r.env, t.owner); err != nil {
			return 0, 0, err
		}
	}
	if t.group != "" {
		if gid, err = files.GroupID(r.env, t.group); err != nil {
			return 0, 0, err
		}
	}
	return uid, gid, nil
}

// Verify reads both files again and plans: anything left to do is a
// failure.
func (r *tlsCertificate) Verify(ctx context.Context) error {
	return resources.Converged(ctx, r, "the certificate at "+r.spec.chainFile.path)
}
