package files

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
)

// maxDiffBytes bounds the content that is diffed line by line; larger
// content differs by sizes only, as binary content does, so a plan never
// spends minutes diffing a big file.
const maxDiffBytes = 1 << 20

// Plan compares the configuration with what Read observed. It reads the
// old content only when its digest differs, to show the diff, and a
// directory's first entry when deciding whether removing it needs force.
// An owner or group the root does not have is listed in Missing (the
// engine decides whether something creates it first).
// A parent directory that does not exist is listed in MissingPaths (the
// engine decides whether something creates it first: a directory
// resource or a package this one depends on). Nothing to do needs no
// parent: Read looked at the path through them, refusing a symlink.
func (r *file) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	c, err := r.plan(ctx, st)
	if err != nil {
		return c, err
	}
	var needs []resources.PathNeed
	if c.Action != resources.NoOp {
		if needs, err = managedfile.MissingParents(r.env, r.spec.path); err != nil {
			return resources.Change{}, err
		}
	}
	if r.spec.ensure == ensureAbsent {
		return c, nil
	}
	c.Missing = managedfile.MissingAccounts(r.env, managedfile.OwnerRefs("owner", r.spec.owner, "group", r.spec.group, r.spec.attrSensitive)...)
	if !r.spec.attrSensitive["path"] {
		c.MissingPaths = needs
	}
	return c, nil
}

// CreatesPath: a planned file or directory creates its own path, of its
// own type (resources.PathCreator).
func (r *file) CreatesPath(_ context.Context, planned resources.Change, need resources.PathNeed) (resources.Provision, string) {
	if need.Path != r.spec.path || (planned.Action != resources.Create && planned.Action != resources.Update) {
		return resources.NotCreated, ""
	}
	if need.Dir && r.spec.ensure == ensureDirectory || !need.Dir && r.spec.ensure == ensureFile {
		return resources.Creates, ""
	}
	return resources.NotCreated, ""
}

func (r *file) plan(ctx context.Context, st resources.State) (resources.Change, error) {
	if err := ctx.Err(); err != nil {
		return resources.Change{}, err
	}
	have, ok := parseEnsure(st["ensure"])
	if !ok {
		return resources.Change{}, fmt.Errorf("%s: observed state has no valid ensure (%q)", r.spec.label(), st["ensure"])
	}
	switch {
	case r.spec.ensure == ensureAbsent:
		return r.planDelete(have)
	case have == ensureAbsent:
		return r.planFresh(st, resources.Create, fmt.Sprintf("%s does not exist", r.spec.ensure))
	case have != r.spec.ensure:
		if (have == ensureDirectory || have == ensureOther) && !r.spec.force {
			return resources.Change{}, fmt.Errorf("%s is %s, want %s; set force = true to replace it", r.spec.label(), have.article(), r.spec.ensure)
		}
		return r.planFresh(st, resources.Update, fmt.Sprintf("is %s, want %s", have.article(), r.spec.ensure))
	}
	return r.planUpdate(st)
}

func (r *file) planDelete(have ensure) (resources.Change, error) {
	if have == ensureAbsent {
		return resources.Change{Action: resources.NoOp}, nil
	}
	if have == ensureDirectory && !r.spec.force {
		empty, err := r.emptyDir()
		if err != nil {
			return resources.Change{}, err
		}
		if !empty {
			return resources.Change{}, fmt.Errorf("%s is a non-empty directory; set force = true to remove it", r.spec.label())
		}
	}
	return resources.Change{
		Action: resources.Delete,
		Reason: fmt.Sprintf("%s exists", have),
		Attrs:  []resources.AttrChange{resources.NewAttrChange("ensure", have.String(), "absent", false)},
	}, nil
}

// planFresh plans creating the thing, where nothing or something of
// another type is now; unmanaged modes show the defaults it will get.
func (r *file) planFresh(st resources.State, a resources.Action, reason string) (resources.Change, error) {
	old := st["ensure"]
	if a == resources.Create {
		old = ""
	}
	c := resources.Change{Action: a, Reason: reason}
	c.Attrs = append(c.Attrs, resources.NewAttrChange("ensure", old, r.spec.ensure.String(), false))
	c.Attrs = append(c.Attrs, r.attrDiffs(st, true)...)
	if r.spec.hasContent {
		c.Content = resources.DiffText(r.spec.label(), nil, r.spec.content, r.spec.sensitive)
	}
	return c, nil
}

// planUpdate compares a thing of the right type attribute by attribute.
func (r *file) planUpdate(st resources.State) (resources.Change, error) {
	c := resources.Change{Action: resources.Update}
	var reasons []string
	if r.spec.ensure == ensureFile && r.spec.hasContent && st["sha256"] != r.spec.sum {
		d, err := r.contentDiff()
		if err != nil {
			return resources.Change{}, err
		}
		c.Content = d
		reasons = append(reasons, "content differs")
	}
	c.Attrs = r.attrDiffs(st, false)
	for _, a := range c.Attrs {
		reasons = append(reasons, a.Name+" differs")
	}
	if len(reasons) == 0 {
		return resources.Change{Action: resources.NoOp}, nil
	}
	c.Reason = strings.Join(reasons, ", ")
	return c, nil
}

// attrDiffs lists managed attributes whose observed value differs. When
// fresh (the thing will be created), an unmanaged mode shows the default.
func (r *file) attrDiffs(st resources.State, fresh bool) []resources.AttrChange {
	var out []resources.AttrChange
	add := func(name, want string) {
		if want != "" && st[name] != want {
			out = append(out, resources.NewAttrChange(name, st[name], want, r.spec.attrSensitive[name]))
		}
	}
	if r.spec.ensure == ensureLink {
		add("target", r.spec.target)
	}
	add("owner", managedfile.CanonicalUser(r.env, r.spec.owner))
	add("group", managedfile.CanonicalGroup(r.env, r.spec.group))
	switch {
	case r.spec.ensure == ensureLink:
	case r.spec.hasMode:
		add("mode", managedfile.FormatMode(r.spec.mode))
	case fresh:
		add("mode", managedfile.FormatMode(r.defaultMode()))
	}
	return out
}

func (r *file) defaultMode() os.FileMode {
	if r.spec.ensure == ensureDirectory {
		return defaultDirMode
	}
	return defaultFileMode
}

// contentDiff diffs the live content against the configured one, masking
// both sides when either is or was sensitive (see wasSensitive). It reads at most maxDiffBytes+1.
func (r *file) contentDiff() (*resources.ContentDiff, error) {
	d, err := r.parent()
	if err != nil {
		return nil, err
	}
	defer d.Close()
	f, err := d.Open(r.base)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	old, err := io.ReadAll(io.LimitReader(f, maxDiffBytes+1))
	if err != nil {
		return nil, err
	}
	sensitive := r.spec.sensitive || bytes.Contains(old, keyMarker) || r.wasSensitive()
	if len(old) <= maxDiffBytes && len(r.spec.content) <= maxDiffBytes {
		return resources.DiffText(r.spec.label(), old, r.spec.content, sensitive), nil
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return &resources.ContentDiff{Path: r.spec.label(), Sensitive: sensitive, Binary: true,
		OldSize: int(fi.Size()), NewSize: len(r.spec.content)}, nil
}

// emptyDir reports whether the directory at the path has no entries.
func (r *file) emptyDir() (bool, error) {
	d, err := r.parent()
	if err != nil {
		return false, err
	}
	defer d.Close()
	sub, err := d.Sub(r.base)
	if err != nil {
		return false, err
	}
	defer sub.Close()
	return sub.Empty()
}

// Verify reads and plans again: after Apply, anything left to do means the
// host did not take the change.
func (r *file) Verify(ctx context.Context) error {
	return resources.Converged(ctx, r, r.spec.path)
}
