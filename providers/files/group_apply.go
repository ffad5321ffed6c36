package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// member is one grouped file on its way: its parent directory's handle,
// what its path held, and its staged new content (nil when nothing is
// left to do).
type member struct {
	r  *groupedFile
	d  *atomicfile.Dir
	o  observation
	st *atomicfile.Staged
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
	defer closeAll(ms)
	for k, i := range order {
		ms[k].r = rs[i]
		if err := ms[k].stage(ctx, changes[i]); err != nil {
			errs[k] = err
			return inOrder(order, heldBack(g, ms, errs, rs[i].spec.label()))
		}
	}
	if err := groupValidate(ctx, g, ms); err != nil {
		err = fmt.Errorf("file_group %s: %w; none of its files was replaced", g.dir, err)
		abortAll(ms)
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
// path holds, and stages its new content beside it, checked by its own
// validate_cmd. It fills m.d (to close) and m.st (to commit or abort).
func (m *member) stage(ctx context.Context, c resources.Change) error {
	r := m.r
	d, err := r.parent()
	if err != nil {
		var pe *atomicfile.ParentError
		if errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist) {
			err = fmt.Errorf("parent directory %s does not exist; manage it with a directory resource", r.spec.dirLabel(pe.Dir))
		}
		return err
	}
	m.d = d
	if m.o, err = r.observe(d); err != nil {
		return err
	}
	now, err := r.file.Plan(ctx, r.state(m.o))
	switch {
	case err != nil:
		return err
	case now.Action == resources.NoOp:
		return nil
	case now.Action != c.Action:
		return fmt.Errorf("%s changed since it was planned: the plan said %s, now it needs %s (%s)", r.spec.label(), c.Action, now.Action, now.Reason)
	case m.o.what != ensureFile && m.o.what != ensureAbsent:
		return fmt.Errorf("%s is %s: a file_group member only replaces files", r.spec.label(), m.o.what.article())
	}
	if err := r.remember(d, m.o); err != nil {
		return err
	}
	opts, err := r.writeOptions(m.o)
	if err != nil {
		return err
	}
	st, err := d.Stage(r.base, r.spec.content, opts)
	if err != nil {
		return err
	}
	if r.spec.validateCmd != "" {
		if err := runValidator(ctx, r.env.Root, r.spec.validateCmd, st.Path(), withheldIf(r.spec.sensitive)); err != nil {
			st.Abort()
			return fmt.Errorf("%s: %w", r.spec.label(), err)
		}
	}
	m.st = st
	return nil
}

// commit backs up the live content and renames the staged file over it,
// recording its sensitivity as the file kind does.
func (m *member) commit() error {
	r, st := m.r, m.st
	m.st = nil
	if r.spec.sensitive {
		if err := r.recordSensitive(true); err != nil {
			st.Abort()
			return err
		}
	}
	if m.o.what == ensureFile {
		if err := r.backupCurrent(m.d); err != nil {
			st.Abort()
			return err
		}
	}
	if err := st.Commit(); err != nil {
		return err
	}
	if !r.spec.sensitive {
		return r.recordSensitive(false)
	}
	return nil
}

// heldBack aborts every staged member after member failed, and gives the
// others an error saying why they were not applied.
func heldBack(g *group, ms []member, errs []error, failed string) []error {
	why := fmt.Errorf("held back: %s of file_group %s failed, so none of the group's files was replaced", failed, g.dir)
	abortAll(ms)
	for i := range errs {
		if errs[i] == nil {
			errs[i] = why
		}
	}
	return errs
}

func abortAll(ms []member) {
	for i := range ms {
		if ms[i].st != nil {
			ms[i].st.Abort()
			ms[i].st = nil
		}
	}
}

func closeAll(ms []member) {
	for i := range ms {
		if ms[i].d != nil {
			ms[i].d.Close()
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
		err := m.commit()
		if err == nil {
			continue
		}
		errs[i] = err
		abortAll(ms)
		return putBack(g, ms[:i], errs, m.r.spec.label())
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
				errs[i] = fmt.Errorf("%s of file_group %s could not be replaced, and putting %s back failed: %w", failed, g.dir, done[i].r.spec.label(), err)
			}
		}
	}
	return errs
}

// groupValidate runs the group's validate_cmd over a staging directory:
// a private directory (0700) beside the group's directory holding every
// staged member's new content under its name relative to the group's
// directory, and a symlink to the live entry for everything else in it,
// so that `postfix -c % check` or `doveconf -c %/dovecot.conf` read the
// whole candidate set. The links are relative (the staging directory is
// the group directory's sibling), so a validator chrooted into the root
// follows them as well as one run here. Like the members, it is made and
// filled through directory handles opened without following a symlink.
func groupValidate(ctx context.Context, g *group, ms []member) error {
	if g.validateCmd == "" {
		return nil
	}
	root := ms[0].r.env.Root
	parent, err := atomicfile.OpenDir(root, filepath.Dir(g.dir))
	if err != nil {
		return fmt.Errorf("opening the directory of its staging directory: %w", err)
	}
	defer parent.Close()
	stage, name, err := parent.MkdirTemp(atomicfile.StagingPrefix + filepath.Base(g.dir) + "-")
	if err != nil {
		return fmt.Errorf("making its staging directory: %w", err)
	}
	defer parent.RemoveAll(name)
	defer stage.Close()
	var sensitive []string
	want := map[string][]byte{}
	for _, m := range ms {
		rel, _ := filepath.Rel(g.dir, m.r.spec.path)
		want[rel] = m.r.spec.content
		if m.r.spec.sensitive {
			sensitive = append(sensitive, m.r.spec.label())
		}
	}
	if err := mirror(root, g.dir, stage, want); err != nil {
		return fmt.Errorf("filling its staging directory: %w", err)
	}
	withheld := ""
	if len(sensitive) > 0 {
		withheld = "the content of " + strings.Join(sensitive, ", ")
	}
	return runValidator(ctx, root, g.validateCmd, stage.HostPath(), withheld)
}

// mirror writes every member (want, by path relative to the group's
// directory dir) into stage, then links every other entry of dir: a
// directory that holds a member is mirrored in turn, anything else is a
// symlink to the live entry.
func mirror(root, dir string, stage *atomicfile.Dir, want map[string][]byte) error {
	for rel, content := range want {
		sub, err := stage.MakeDirs(filepath.Dir(rel), 0o700)
		if err != nil {
			return err
		}
		err = sub.WriteFile(filepath.Base(rel), content, atomicfile.Options{Mode: 0o600})
		sub.Close()
		if err != nil {
			return err
		}
	}
	live, err := atomicfile.OpenDir(root, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer live.Close()
	return linkRest(live, stage, filepath.Base(dir), "", want)
}

// linkRest links the entries of live (the group's directory's rel) that
// are not members into stage, by a path relative to stage's place: up to
// the staging directory's parent, then down the group directory (base).
// Temporary files of tend's own writes in progress are left out.
func linkRest(live, stage *atomicfile.Dir, base, rel string, want map[string][]byte) error {
	entries, err := live.ReadDir()
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := filepath.Join(rel, e.Name())
		if _, member := want[name]; member || strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			continue
		}
		if fi, err := stage.Lstat(e.Name()); err == nil && fi.IsDir() && e.IsDir() {
			if err := linkBelow(live, stage, base, e.Name(), name, want); err != nil {
				return err
			}
			continue
		}
		up := strings.Repeat("../", strings.Count(name, "/")+1)
		if err := stage.Symlink(up+filepath.Join(base, name), e.Name()); err != nil {
			return err
		}
	}
	return nil
}

// linkBelow mirrors the directory sub, which holds a member, one level
// down.
func linkBelow(live, stage *atomicfile.Dir, base, sub, rel string, want map[string][]byte) error {
	l, err := live.Sub(sub)
	if err != nil {
		return err
	}
	defer l.Close()
	s, err := stage.Sub(sub)
	if err != nil {
		return err
	}
	defer s.Close()
	return linkRest(l, s, base, rel, want)
}
