package files

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/tendhq/tend/providers/files/atomicfile"
	"github.com/tendhq/tend/resources"
)

// member is one grouped file on its way: what its path held, and its
// staged new content (nil when nothing is left to do).
type member struct {
	r  *groupedFile
	o  observation
	st *staged
}

// applyGroup makes a group's changes go live together or not at all:
//
//   - every member is checked again against its plan and staged beside
//     its target (complete, with its final owner and mode, synced) and
//     checked by its own validate_cmd;
//   - the group's validate_cmd then checks them together, in a staging
//     directory (see stagingDir);
//   - only then are the members renamed into place, one after the other;
//     if one rename fails, the members already renamed are put back.
//
// If any member fails, none of the group's files is replaced: that
// member's error says why, the others say they were held back.
func applyGroup(ctx context.Context, g *group, rs []*groupedFile, changes []resources.Change) []error {
	// Members are staged and renamed in path order, whatever order the
	// engine parked them in.
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return rs[order[a]].spec.path < rs[order[b]].spec.path })
	errs := make([]error, len(rs))
	ms := make([]member, len(rs))
	for k, i := range order {
		ms[k].r = rs[i]
		st, o, err := rs[i].stageMember(ctx, changes[i])
		ms[k].st, ms[k].o = st, o
		if err != nil {
			errs[k] = err
			return inOrder(order, heldBack(g, ms, errs, rs[i].spec.path))
		}
	}
	if err := groupValidate(ctx, g, ms); err != nil {
		err = fmt.Errorf("file_group %s: %w; none of its files was replaced", g.dir, err)
		abortAll(ms, err)
		return allErrors(len(rs), err)
	}
	return inOrder(order, commitAll(g, ms, errs))
}

// inOrder maps errors of members in path order back to the items' order.
func inOrder(order []int, sorted []error) []error {
	out := make([]error, len(sorted))
	for k, i := range order {
		out[i] = sorted[k]
	}
	return out
}

// stageMember checks the member against its plan, remembers what its
// path holds, and stages its new content.
func (r *groupedFile) stageMember(ctx context.Context, c resources.Change) (*staged, observation, error) {
	o, err := r.observe()
	if err != nil {
		return nil, o, err
	}
	now, err := r.file.Plan(ctx, r.state(o))
	switch {
	case err != nil:
		return nil, o, err
	case now.Action == resources.NoOp:
		return nil, o, nil
	case now.Action != c.Action:
		return nil, o, fmt.Errorf("%s changed since it was planned: the plan said %s, now it needs %s (%s)", r.spec.path, c.Action, now.Action, now.Reason)
	}
	if missing, err := CheckParents(r.env, r.spec.path); err != nil || missing != "" {
		if err == nil {
			err = fmt.Errorf("parent directory %s does not exist; manage it with a directory resource", filepath.Dir(r.spec.path))
		}
		return nil, o, err
	}
	if o.what != ensureFile && o.what != ensureAbsent {
		return nil, o, fmt.Errorf("%s is %s: a file_group member only replaces files", r.spec.path, o.what.article())
	}
	if err := r.remember(o); err != nil {
		return nil, o, err
	}
	opts, err := r.writeOptions(o)
	if err != nil {
		return nil, o, err
	}
	st, err := stage(r.full, r.spec.content, opts, func(tmp string) error {
		if r.spec.validateCmd == "" {
			return nil
		}
		return runValidator(ctx, r.spec.validateCmd, tmp, r.spec.sensitive)
	})
	if err != nil {
		return nil, o, fmt.Errorf("%s: %w", r.spec.path, err)
	}
	return st, o, nil
}

// heldBack aborts every staged member after member failed, and gives the
// others an error saying why they were not applied.
func heldBack(g *group, ms []member, errs []error, failed string) []error {
	why := fmt.Errorf("held back: %s of file_group %s failed, so none of the group's files was replaced", failed, g.dir)
	abortAll(ms, why)
	for i := range errs {
		if errs[i] == nil {
			errs[i] = why
		}
	}
	return errs
}

func abortAll(ms []member, why error) {
	for i := range ms {
		if ms[i].st != nil {
			ms[i].st.abort(why)
			ms[i].st = nil
		}
	}
}

// commitAll renames the staged members into place in order. When a
// rename fails, the remaining ones are aborted and the renamed ones put
// back from the copies remembered before.
func commitAll(g *group, ms []member, errs []error) []error {
	for i := range ms {
		m := &ms[i]
		if m.st == nil {
			continue
		}
		st := m.st
		m.st = nil
		err := st.commit(func() error {
			if m.o.what == ensureFile {
				return m.r.backupCurrent()
			}
			return nil
		})
		if err == nil {
			continue
		}
		errs[i] = fmt.Errorf("%s: %w", m.r.spec.path, err)
		abortAll(ms, errors.New("held back"))
		return putBack(g, ms[:i], errs, m.r.spec.path)
	}
	return errs
}

// putBack restores the members renamed before failed's rename failed.
func putBack(g *group, done []member, errs []error, failed string) []error {
	for i := range errs {
		if errs[i] != nil {
			continue
		}
		errs[i] = fmt.Errorf("held back: %s of file_group %s could not be replaced, so none of the group's files was", failed, g.dir)
		if i < len(done) && done[i].r.prev != nil {
			if err := done[i].r.Revert(context.Background()); err != nil {
				errs[i] = fmt.Errorf("%s of file_group %s could not be replaced, and putting %s back failed: %w", failed, g.dir, done[i].r.spec.path, err)
			}
		}
	}
	return errs
}

// groupValidate runs the group's validate_cmd over a staging directory:
// a private directory beside the group's directory holding every staged
// member's new content under its name relative to the group's directory,
// and a symlink to the live entry for everything else in it, so that
// `postfix -c % check` or `doveconf -c %/dovecot.conf` read the whole
// candidate set.
func groupValidate(ctx context.Context, g *group, ms []member) error {
	if g.validateCmd == "" {
		return nil
	}
	env := ms[0].r.env
	live := env.Path(g.dir)
	dir, err := os.MkdirTemp(filepath.Dir(live), "."+filepath.Base(live)+".tend-group-")
	if err != nil {
		return fmt.Errorf("making its staging directory: %w", err)
	}
	defer os.RemoveAll(dir)
	sensitive := false
	want := map[string][]byte{}
	for _, m := range ms {
		rel, _ := filepath.Rel(g.dir, m.r.spec.path)
		want[rel] = m.r.spec.content
		sensitive = sensitive || m.r.spec.sensitive
	}
	if err := mirror(live, dir, want); err != nil {
		return fmt.Errorf("filling its staging directory: %w", err)
	}
	return runValidator(ctx, g.validateCmd, dir, sensitive)
}

// mirror writes every member (want, by path relative to the group's
// directory) into stage, then links every other entry of live: a
// directory that holds a member is mirrored in turn, anything else is a
// symlink to the live entry.
func mirror(live, stage string, want map[string][]byte) error {
	for rel, content := range want {
		if err := os.MkdirAll(filepath.Join(stage, filepath.Dir(rel)), 0o700); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(filepath.Join(stage, rel), content, atomicfile.Options{Mode: 0o600, UID: -1, GID: -1}); err != nil {
			return err
		}
	}
	return linkRest(live, stage, "", want)
}

func linkRest(live, stage, rel string, want map[string][]byte) error {
	entries, err := os.ReadDir(filepath.Join(live, rel))
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := filepath.Join(rel, e.Name())
		if _, member := want[name]; member {
			continue
		}
		if fi, err := os.Lstat(filepath.Join(stage, name)); err == nil && fi.IsDir() && e.IsDir() {
			if err := linkRest(live, stage, name, want); err != nil {
				return err
			}
			continue
		}
		if err := os.Symlink(filepath.Join(live, name), filepath.Join(stage, name)); err != nil {
			return err
		}
	}
	return nil
}
