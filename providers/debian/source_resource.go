package debian

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// aptSource is one configured APT source.
type aptSource struct {
	src source
	env resources.Env
}

var _ resources.Sweeper = (*aptSource)(nil)

// slot is one file of the source, bound to the run's root.
type slot struct {
	sourceFile
	file *managedfile.File
	// fact prefixes the file's facts in the State ("sources_sha256").
	fact string
}

// factPrefixes name the files of sourcePaths in the State.
var factPrefixes = []string{"keyring_asc_", "keyring_gpg_", "preferences_", "sources_", "list_"}

// slots binds every file the source may manage, in sourcePaths' order.
func (a *aptSource) slots() []slot {
	files := a.src.files()
	out := make([]slot, len(files))
	for i, f := range files {
		spec := managedfile.Spec{Path: f.path, Content: f.content, Owner: "0", Group: "0", Mode: 0o644, Sensitive: a.src.sensitive}
		out[i] = slot{sourceFile: f, file: managedfile.New(a.env, spec), fact: factPrefixes[i]}
	}
	return out
}

// sourceIntent is what Plan decided: the files to install, in order,
// the ones to remove, and whether /etc/apt/keyrings must be made first.
type sourceIntent struct {
	install  []*managedfile.File
	remove   []*managedfile.File
	keyrings bool
}

// Read observes every file the source may manage.
func (a *aptSource) Read(context.Context) (resources.State, error) {
	st := resources.State{}
	for _, s := range a.slots() {
		o, err := s.file.Observe()
		if err != nil {
			return nil, fmt.Errorf("apt_source %s: %w", a.src.name, err)
		}
		for k, v := range s.file.Facts(s.fact, o) {
			st[k] = v
		}
	}
	return st, nil
}

// Plan compares each file with what it should be.
func (a *aptSource) Plan(_ context.Context, st resources.State) (resources.Change, error) {
	d := a.differences(st)
	if len(d.in.install)+len(d.in.remove) == 0 {
		return resources.Change{Action: resources.NoOp, Reason: a.upToDate()}, nil
	}
	c := resources.Change{Action: a.action(d.existing), Attrs: d.attrs,
		Reason: strings.Join(d.why, "; ") + "; the package lists are refreshed before the next package transaction"}
	if err := a.missing(&c, &d.in); err != nil {
		return c, err
	}
	if err := a.showSources(&c, d.in.install); err != nil {
		return c, err
	}
	return resources.WithIntent(c, d.in), nil
}

// showSources shows how the sources file's lines change, when it is
// among the files to install.
func (a *aptSource) showSources(c *resources.Change, install []*managedfile.File) error {
	for _, f := range install {
		if strings.HasPrefix(f.Path(), sourcesDir+"/") {
			d, err := f.ContentDiff()
			if err != nil {
				return fmt.Errorf("apt_source %s: %w", a.src.name, err)
			}
			c.Content = d
		}
	}
	return nil
}

// differences is how the files differ from the configuration.
type differences struct {
	attrs    []resources.AttrChange
	why      []string
	in       sourceIntent
	existing int // files of the source that exist, wanted or not
}

func (a *aptSource) differences(st resources.State) differences {
	var d differences
	for _, s := range a.slots() {
		old := st[s.fact+"sha256"]
		if old != "" {
			d.existing++
		}
		switch {
		case s.present:
			attrs, why := s.file.Diff(s.fact, st)
			if len(attrs) > 0 {
				d.in.install = append(d.in.install, s.file)
				d.attrs, d.why = append(d.attrs, attrs...), append(d.why, why...)
			}
		case old != "":
			d.in.remove = append(d.in.remove, s.file)
			d.attrs = append(d.attrs, resources.NewAttrChange(s.fact+"sha256", old, "", false))
			d.why = append(d.why, s.path+" exists, not configured")
		}
	}
	return d
}

func (a *aptSource) upToDate() string {
	if a.src.absent {
		return "absent"
	}
	return "up to date"
}

// action is Delete for an absent source, Create when none of its files
// exists yet, Update otherwise.
func (a *aptSource) action(existing int) resources.Action {
	switch {
	case a.src.absent:
		return resources.Delete
	case existing == 0:
		return resources.Create
	}
	return resources.Update
}

// missing adds the accounts and directories the files need that the
// root lacks. /etc/apt/keyrings, which Debian 12's apt ships but 11's
// does not, is made by Apply (root's, 0755) when a key goes there.
func (a *aptSource) missing(c *resources.Change, in *sourceIntent) error {
	for _, f := range in.install {
		refs, paths, err := f.Missing()
		if err != nil {
			return fmt.Errorf("apt_source %s: %w", a.src.name, err)
		}
		c.Missing = append(c.Missing, refs...)
		for _, p := range paths {
			if p.Path == keyringsDir && (p.Outermost == "" || p.Outermost == keyringsDir) {
				in.keyrings = true
				continue
			}
			if !slices.Contains(c.MissingPaths, p) {
				c.MissingPaths = append(c.MissingPaths, p)
			}
		}
	}
	return nil
}

// Apply records that the package lists are stale, then installs the
// source's files together (the key before the sources file) and removes
// the ones no longer configured (the sources file before the key). The
// record comes first: a run stopped after changing a file but before
// recording it would leave the lists stale with nothing to say so.
func (a *aptSource) Apply(_ context.Context, c resources.Change) error {
	in, err := resources.IntentOf[sourceIntent](c)
	if err != nil {
		return fmt.Errorf("apt_source %s: %w", a.src.name, err)
	}
	if err := markListsStale(a.env.StateDir, a.src.name); err != nil {
		return fmt.Errorf("apt_source %s: %w", a.src.name, err)
	}
	if in.keyrings {
		if err := makeKeyrings(a.env); err != nil {
			return err
		}
	}
	if len(in.install) > 0 {
		if err := managedfile.Install(in.install...); err != nil {
			return fmt.Errorf("apt_source %s: %w", a.src.name, err)
		}
	}
	for i := len(in.remove) - 1; i >= 0; i-- {
		if err := in.remove[i].Remove(); err != nil {
			return fmt.Errorf("apt_source %s: %w", a.src.name, err)
		}
	}
	return nil
}

// makeKeyrings creates /etc/apt/keyrings beneath the root, as apt's
// package does from Debian 12 on: root's, 0755.
func makeKeyrings(env resources.Env) error {
	d, err := atomicfile.OpenDir(env.Root, path.Dir(keyringsDir))
	if err != nil {
		return fmt.Errorf("creating %s: %w", keyringsDir, err)
	}
	defer d.Close()
	err = d.Mkdir(path.Base(keyringsDir), 0o755)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating %s: %w", keyringsDir, err)
	}
	return nil
}

// Verify reads the files again: each is as configured, or absent.
func (a *aptSource) Verify(ctx context.Context) error {
	st, err := a.Read(ctx)
	if err != nil {
		return err
	}
	if why := a.differences(st).why; len(why) > 0 {
		return fmt.Errorf("apt_source %s: after applying, %s", a.src.name, strings.Join(why, "; "))
	}
	return nil
}

// TempDirs are the directories the source's files are written in.
func (a *aptSource) TempDirs() []string { return []string{sourcesDir, keyringsDir, preferencesDir} }

// Sweep removes what killed runs left in dir; a directory that does not
// exist yet holds nothing.
func (a *aptSource) Sweep(dir string) (int, error) {
	n, err := managedfile.SweepDir(a.env, dir)
	if managedfile.AbsentParent(err) || errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	return n, err
}
