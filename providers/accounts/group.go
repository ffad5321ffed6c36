package accounts

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// GroupSchema describes the group kind's attributes to the config loader.
var GroupSchema = resources.Schema{
	Kind: "group",
	Doc: "A local group in the root's /etc/group (and /etc/gshadow). Its members are not managed here: " +
		"a user resource lists the groups it must belong to.",
	Attrs: []resources.AttrSchema{
		{Name: "name", Type: cty.String, Required: true,
			Doc: "The group's name."},
		{Name: "ensure", Type: cty.String, Default: cty.StringVal("present"),
			Doc: `"present" (the default) or "absent".`},
		{Name: "gid", Type: cty.Number,
			Doc: "Numeric group id. Unset: chosen by groupadd when the group is created, and not managed after."},
		{Name: "system", Type: cty.Bool,
			Doc: "Create a system group (gid from the SYS_GID range of the root's login.defs). Default true; only used when the group is created."},
	},
}

// GroupKind returns the group kind, for the provider registry.
func GroupKind() resources.Kind { return groupKind{} }

type groupKind struct{}

func (groupKind) Schema() resources.Schema { return GroupSchema }

// Identities is the group's name: two resources for one group conflict.
func (groupKind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.GroupID(cfg.String("name", ""))}
}

// Order is empty: a group depends on nothing else tend manages.
func (groupKind) Order(*resources.Config) []resources.Order { return nil }

func (groupKind) New(cfg *resources.Config) (resources.Resource, error) {
	g := &group{name: cfg.String("name", ""), env: cfg.Env, system: cfg.Bool("system", true)}
	if err := checkName("name", g.name); err != nil {
		return nil, err
	}
	var err error
	if g.present, err = parseEnsure(cfg); err != nil {
		return nil, err
	}
	if !g.present {
		return g, onlyPresent(cfg, "gid", "system")
	}
	g.gid, err = parseID(cfg, "gid")
	return g, err
}

// group is one bound group resource. It keeps nothing between calls but
// its configuration: Apply carries out the groupPlan Plan attached.
type group struct {
	name    string
	env     resources.Env
	present bool
	gid     int // -1: unmanaged
	system  bool
}

// groupPlan is what Plan decided Apply does. Apply takes it from the
// Change (resources.IntentOf), never from the Change's display attributes.
type groupPlan struct {
	action resources.Action
	// gid is the id to give the group; nil leaves it to groupadd.
	gid *int
	// system creates a system group.
	system bool
}

// Read looks the group up in the root's /etc/group.
func (g *group) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := readDB(g.env)
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", g.name, err)
	}
	e := d.group(g.name)
	if e == nil {
		return resources.State{"ensure": "absent"}, nil
	}
	return resources.State{"ensure": "present", "gid": strconv.Itoa(e.gid)}, nil
}

// Plan compares existence and, when managed, the gid.
func (g *group) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	exists := st["ensure"] == "present"
	var gid *int
	if g.gid >= 0 {
		gid = &g.gid
	}
	switch {
	case !g.present && !exists:
		return resources.Change{Action: resources.NoOp}, nil
	case !g.present:
		c := resources.Change{Action: resources.Delete, Reason: "group exists",
			Attrs: []resources.AttrChange{resources.NewAttrChange("ensure", "present", "absent", false)}}
		return resources.WithIntent(c, groupPlan{action: resources.Delete}), nil
	case !exists:
		c := resources.Change{Action: resources.Create, Reason: "group does not exist",
			Attrs:   []resources.AttrChange{resources.NewAttrChange("ensure", "", "present", false)},
			Creates: []resources.Account{{Kind: resources.GroupAccount, Name: g.name}}}
		if gid != nil {
			c.Attrs = append(c.Attrs, resources.NewAttrChange("gid", "", strconv.Itoa(*gid), false))
		}
		return resources.WithIntent(c, groupPlan{action: resources.Create, gid: gid, system: g.system}), nil
	case gid != nil && st["gid"] != strconv.Itoa(*gid):
		c := resources.Change{Action: resources.Update, Reason: "gid differs",
			Attrs: []resources.AttrChange{resources.NewAttrChange("gid", st["gid"], strconv.Itoa(*gid), false)}}
		return resources.WithIntent(c, groupPlan{action: resources.Update, gid: gid}), nil
	}
	return resources.Change{Action: resources.NoOp}, nil
}

// Apply runs groupadd, groupmod or groupdel as Plan decided.
func (g *group) Apply(ctx context.Context, c resources.Change) error {
	p, err := resources.IntentOf[groupPlan](c)
	if err != nil {
		return fmt.Errorf("group %s: %w", g.name, err)
	}
	if p.action != c.Action {
		return fmt.Errorf("group %s: the change says %s, its plan %s", g.name, c.Action, p.action)
	}
	var args []string
	if p.system {
		args = append(args, "--system")
	}
	if p.gid != nil {
		args = append(args, "--gid", strconv.Itoa(*p.gid))
	}
	switch p.action {
	case resources.Create:
		return runTool(ctx, g.env, "groupadd", append(args, g.name)...)
	case resources.Update:
		return runTool(ctx, g.env, "groupmod", append(args, g.name)...)
	case resources.Delete:
		return runTool(ctx, g.env, "groupdel", g.name)
	}
	return fmt.Errorf("group %s: cannot apply a %s change", g.name, c.Action)
}

// Verify reads and plans again: anything left to do is a failure.
func (g *group) Verify(ctx context.Context) error {
	return resources.Converged(ctx, g, "group "+g.name)
}
