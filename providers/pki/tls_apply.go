package pki

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// tlsCommit puts a staged file in place; tests swap it to fail the
// chain's commit, as a full or read-only file system would.
var tlsCommit = func(s *atomicfile.Staged, path string) error { return s.Commit() }

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
// place, each in a handle on its directory (atomicfile.Stage). Should the
// chain's rename fail, the previous key is put back, so the pair is
// replaced together or not at all. What no code can close is the moment
// between the two renames: a run killed there leaves the new key beside
// the old chain; Read then sees the chain differ, and the next run's plan
// is an Update that installs both.
func (r *tlsCertificate) replacePair() error {
	key, chain := r.spec.keyFile, r.spec.chainFile
	oldKey, err := r.observe(key)
	if err != nil {
		return err
	}
	defer clear(oldKey.data)
	keyDir, keyStaged, err := r.stage(key)
	if err != nil {
		return err
	}
	defer keyDir.Close()
	chainDir, chainStaged, err := r.stage(chain)
	if err != nil {
		keyStaged.Abort()
		return err
	}
	defer chainDir.Close()
	if err := tlsCommit(keyStaged, key.path); err != nil {
		chainStaged.Abort()
		return fmt.Errorf("install %s: %w", key.path, err)
	}
	if err := tlsCommit(chainStaged, chain.path); err != nil {
		chainStaged.Abort()
		if rerr := tlsRestoreKey(keyDir, key, oldKey); rerr != nil {
			return fmt.Errorf("install %s: %w; putting the previous key back failed too (%v): %s no longer matches %s until the next run replaces both", chain.path, err, rerr, key.path, chain.path)
		}
		return fmt.Errorf("install %s: %w (the previous key was put back)", chain.path, err)
	}
	return nil
}

// tlsRestoreKey undoes the key's rename: the old content with its old owner
// and mode, or no file when there was none.
func tlsRestoreKey(d *atomicfile.Dir, key tlsTarget, old tlsFileState) error {
	name := filepath.Base(key.path)
	if !old.exists {
		return d.Remove(name)
	}
	return d.WriteFile(name, old.data, atomicfile.Options{Mode: old.mode, Owner: atomicfile.OwnedBy(old.uid, old.gid)})
}

// stage writes a target's content to a new temporary file in its
// directory, opened from the root without following symlinks: 0600 from
// creation, then the final owner, then the final mode (chown may clear
// mode bits), synced to disk.
func (r *tlsCertificate) stage(t tlsTarget) (*atomicfile.Dir, *atomicfile.Staged, error) {
	uid, gid, err := r.ids(t)
	if err != nil {
		return nil, nil, err
	}
	d, err := atomicfile.OpenDir(r.env.Root, filepath.Dir(t.path))
	if err != nil {
		return nil, nil, err
	}
	s, err := d.Stage(filepath.Base(t.path), t.data, atomicfile.Options{Mode: t.mode, Owner: atomicfile.OwnedBy(uid, gid)})
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, s, nil
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

// TempDirs are the key's and the chain's directories, where they are
// staged.
func (r *tlsCertificate) TempDirs() []string {
	return []string{filepath.Dir(r.spec.keyFile.path), filepath.Dir(r.spec.chainFile.path)}
}

// Sweep removes what killed runs left in dir (resources.Sweeper).
func (r *tlsCertificate) Sweep(dir string) (int, error) { return files.SweepDir(r.env, dir) }
