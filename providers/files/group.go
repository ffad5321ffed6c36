package files

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// GroupSchema describes the file_group kind: files that go live together
// or not at all.
var GroupSchema = resources.Schema{
	Kind: "file_group",
	Doc:  "Files that are staged, validated and renamed into place together: if one fails, none goes live. Files join with file_group = file_group.NAME.",
	Attrs: []resources.AttrSchema{
		{Name: "directory", Type: cty.String, Required: true,
			Doc: "Absolute directory every member lives under; one group per directory. The group's validate_cmd sees a staged copy of it."},
		{Name: "validate_cmd", Type: cty.String,
			Doc: "Shell command that checks the members together before any is renamed; every % becomes the quoted path of a staging directory holding every changed member's new content under its name relative to directory, and a symbolic link to the live entry for everything else in directory, " +
				"so that postfix -c % or doveconf -c %/dovecot.conf read the whole candidate set. " +
				"Under --root, when the root has /bin/sh, it runs chrooted into the root (with the staging directory's path there)."},
	},
}

// groupType is the value a file's file_group attribute takes: a
// file_group resource.
var groupType = cty.ObjectWithOptionalAttrs(map[string]cty.Type{
	"directory": cty.String, "validate_cmd": cty.String,
}, []string{"validate_cmd"})

// GroupKind returns the file_group kind, for the provider registry.
func GroupKind() resources.Kind { return groupKind{} }

type groupKind struct{}

func (groupKind) Schema() resources.Schema { return GroupSchema }

// Identities is the directory: one group per directory.
func (groupKind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.KindID(GroupSchema.Kind, filepath.Clean(cfg.String("directory", "")))}
}

// Order puts the group after its directory when that is managed.
func (groupKind) Order(cfg *resources.Config) []resources.Order {
	return []resources.Order{resources.After(resources.FileID(cfg.String("directory", "")))}
}

func (groupKind) New(cfg *resources.Config) (resources.Resource, error) {
	g, err := parseGroup(cfg.String("directory", ""), cfg.String("validate_cmd", ""))
	if err != nil {
		return nil, err
	}
	return &fileGroup{g: g, env: cfg.Env}, nil
}

// group is a file_group's configuration.
type group struct {
	dir         string
	validateCmd string
}

func parseGroup(dir, validate string) (group, error) {
	if !filepath.IsAbs(dir) {
		return group{}, resources.AttrErrorf("directory", "directory %q must be absolute", dir)
	}
	if filepath.Clean(dir) == "/" {
		return group{}, resources.AttrErrorf("directory", "directory must not be /: the staging directory is made beside it")
	}
	if validate != "" && !strings.Contains(validate, "%") {
		return group{}, resources.AttrErrorf("validate_cmd", "validate_cmd must contain %%, which becomes the staging directory's path")
	}
	return group{dir: filepath.Clean(dir), validateCmd: validate}, nil
}

// fileGroup is the bound file_group: it changes nothing by itself; its
// members apply together (groupedFile.ApplyBatch).
type fileGroup struct {
	g   group
	env resources.Env
}

// TempDirs is the directory holding the group's directory, where its
// staging directory is made.
func (g *fileGroup) TempDirs() []string { return []string{filepath.Dir(g.g.dir)} }

// Sweep removes what killed runs left in dir: temporary files and
// staging directories.
func (g *fileGroup) Sweep(dir string) (int, error) { return managedfile.SweepDir(g.env, dir) }

func (g *fileGroup) Read(context.Context) (resources.State, error) {
	return resources.State{"directory": g.g.dir}, nil
}

func (g *fileGroup) Plan(context.Context, resources.State) (resources.Change, error) {
	return resources.Change{Action: resources.NoOp}, nil
}

func (g *fileGroup) Apply(context.Context, resources.Change) error { return nil }

func (g *fileGroup) Verify(context.Context) error { return nil }

// setGroup reads the file_group attribute: the member's path must lie
// under the group's directory, and only files with managed content can
// be staged.
func (s *spec) setGroup(cfg *resources.Config) error {
	v, ok := cfg.Values["file_group"]
	if !ok || v.IsNull() {
		return nil
	}
	dir, cmd := v.GetAttr("directory"), v.GetAttr("validate_cmd")
	validate := ""
	if !cmd.IsNull() {
		validate = cmd.AsString()
	}
	g, err := parseGroup(dir.AsString(), validate)
	if err != nil {
		return resources.AttrErrorf("file_group", "%v", err)
	}
	if s.ensure != ensureFile || !s.hasContent {
		return resources.AttrErrorf("file_group", "only files with content, source or template can join a file_group")
	}
	if rel, err := filepath.Rel(g.dir, s.path); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return resources.AttrErrorf("file_group", "%s is not under the group's directory %s", s.path, g.dir)
	}
	s.fileGroup = &g
	return nil
}

// groupedFile is a file that belongs to a file_group: the engine parks it
// with the other members (one batch per group) and hands them to
// ApplyBatch together.
type groupedFile struct{ *file }

// BatchKey is one per group.
func (r *groupedFile) BatchKey() string { return "file_group:" + r.spec.fileGroup.dir }

// AllOrNothing: a group goes live whole, once every member is planned.
func (r *groupedFile) AllOrNothing() bool { return true }

// Plan is the file's plan, saying that it goes live with its group.
func (r *groupedFile) Plan(ctx context.Context, observed resources.State) (resources.Change, error) {
	c, err := r.file.Plan(ctx, observed)
	if err == nil && c.Action != resources.NoOp {
		c.Reason = strings.TrimPrefix(c.Reason+"; ", "; ") + "all or nothing with file_group " + r.spec.fileGroup.dir
	}
	return c, err
}

// ApplyBatch applies the members of one group together (see applyGroup).
func (r *groupedFile) ApplyBatch(ctx context.Context, items []resources.BatchItem) []error {
	members := make([]*groupedFile, len(items))
	changes := make([]resources.Change, len(items))
	for i, it := range items {
		m, ok := it.Resource.(*groupedFile)
		if !ok {
			return allErrors(len(items), fmt.Errorf("file_group %s: a member is not a grouped file", r.spec.fileGroup.dir))
		}
		members[i], changes[i] = m, it.Change
	}
	return applyGroup(ctx, r.spec.fileGroup, members, changes)
}

func allErrors(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}
