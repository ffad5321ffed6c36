package accounts

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// UserSchema describes the user kind's attributes to the config loader.
var UserSchema = resources.Schema{
	Kind: "user",
	Doc: "A local user account in the root's /etc/passwd (and /etc/shadow) and its group memberships. " +
		"Home directories are never created, moved or removed, and passwords are not managed.",
	Attrs: []resources.AttrSchema{
		{Name: "name", Type: cty.String, Required: true,
			Doc: "The user's login name."},
		{Name: "ensure", Type: cty.String, Default: cty.StringVal("present"),
			Doc: `"present" (the default) or "absent". Removing a user keeps its home directory and files.`},
		{Name: "uid", Type: cty.Number,
			Doc: "Numeric user id. Unset: chosen by useradd when the user is created, and not managed after."},
		{Name: "group", Type: cty.String,
			Doc: "Primary group, by name or gid. Unset: a new user gets the group named like it (created when missing); an existing user's primary group is not managed."},
		{Name: "groups", Type: cty.List(cty.String),
			Doc: "Supplementary groups the user must be a member of. Other memberships are left alone unless groups_exclusive is true."},
		{Name: "groups_exclusive", Type: cty.Bool,
			Doc: "Remove the user from every supplementary group not in groups. Default false."},
		{Name: "home", Type: cty.String,
			Doc: "Absolute home directory recorded in /etc/passwd (not created). Unset: useradd's default for a new user, not managed after."},
		{Name: "shell", Type: cty.String,
			Doc: "Absolute login shell, such as /usr/sbin/nologin. Unset: useradd's default for a new user, not managed after."},
		{Name: "system", Type: cty.Bool,
			Doc: "Create a system account (uid from the SYS_UID range of the root's login.defs). Default true; only used when the user is created."},
	},
}

// UserKind returns the user kind, for the provider registry.
func UserKind() resources.Kind { return userKind{} }

type userKind struct{}

func (userKind) Schema() resources.Schema { return UserSchema }

// Identities is the login name: two resources for one user conflict.
func (userKind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.UserID(cfg.String("name", ""))}
}

// Order puts the user after every group it references, so managed groups
// exist before the user joins them. Without a group attribute that is the
// group named like the user, which a new user gets.
func (userKind) Order(cfg *resources.Config) []resources.Order {
	primary := cfg.String("group", cfg.String("name", ""))
	var out []resources.Order
	for _, g := range append([]string{primary}, cfg.Strings("groups")...) {
		o := resources.After(resources.GroupID(g))
		if _, err := strconv.Atoi(g); err != nil && g != "" && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

func (userKind) New(cfg *resources.Config) (resources.Resource, error) {
	u := &user{
		name: cfg.String("name", ""), env: cfg.Env,
		group: cfg.String("group", ""), groups: cfg.Strings("groups"),
		exclusive: cfg.Bool("groups_exclusive", false),
		home:      cfg.String("home", ""), shell: cfg.String("shell", ""),
		system: cfg.Bool("system", true),
	}
	if err := checkName("name", u.name); err != nil {
		return nil, err
	}
	var err error
	if u.present, err = parseEnsure(cfg); err != nil {
		return nil, err
	}
	if !u.present {
		return u, onlyPresent(cfg, "uid", "group", "groups", "groups_exclusive", "home", "shell", "system")
	}
	if u.uid, err = parseID(cfg, "uid"); err != nil {
		return nil, err
	}
	return u, u.check(cfg)
}

func (u *user) check(cfg *resources.Config) error {
	if cfg.IsSet("group") {
		if err := checkName("group", u.group); err != nil {
			return err
		}
		if err := resources.CheckAccountName(cfg, "group", u.group); err != nil {
			return err
		}
	}
	for _, g := range u.groups {
		if err := checkName("groups", g); err != nil {
			return err
		}
	}
	if u.exclusive && !cfg.IsSet("groups") {
		return resources.AttrErrorf("groups_exclusive", "groups_exclusive needs groups (an empty list removes every membership)")
	}
	if err := resources.CheckPaths(cfg, "home", "shell"); err != nil {
		return err
	}
	for _, a := range []string{"home", "shell"} {
		if v := cfg.String(a, ""); cfg.IsSet(a) && (!filepath.IsAbs(v) || strings.ContainsAny(v, ":\n")) {
			return resources.AttrErrorf(a, "%s %q must be an absolute path without ':'", a, v)
		}
	}
	slices.Sort(u.groups)
	u.groups = slices.Compact(u.groups)
	return nil
}

// user is one bound user resource. It keeps nothing between calls but its
// configuration: Plan reads what it needs of the root's account files,
// and Apply carries out the userPlan Plan attached to the Change.
type user struct {
	name      string
	env       resources.Env
	present   bool
	uid       int    // -1: unmanaged
	group     string // "": unmanaged
	groups    []string
	exclusive bool
	home      string
	shell     string
	system    bool
}

// userPlan is what Plan decided Apply does, in the shadow utilities'
// terms. Apply takes it from the Change (resources.IntentOf), never from
// the Change's display attributes.
type userPlan struct {
	action resources.Action
	// uid is the id to give the user; nil leaves it to useradd or as it is.
	uid *int
	// gid is the primary group to give, by name or id; "" leaves it.
	gid string
	// userGroup has useradd create the group named like the user.
	userGroup bool
	// system creates a system account.
	system bool
	// groups are the supplementary groups to join or, with setGroups, the
	// whole list of them (empty: none).
	groups      []string
	setGroups   bool
	home, shell string
}

// Read looks the user and its memberships up in the root's files.
func (u *user) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := readDB(u.env)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", u.name, err)
	}
	e, ok := d.users[u.name]
	if !ok {
		return resources.State{"ensure": "absent"}, nil
	}
	return resources.State{
		"ensure": "present",
		"uid":    strconv.Itoa(e.uid),
		"group":  d.groupName(e.gid),
		"groups": strings.Join(d.memberOf(u.name), ","),
		"home":   e.home,
		"shell":  e.shell,
	}, nil
}

// Plan compares existence and every managed attribute. It reads the
// root's group file again, which State does not hold whole: to show a
// gid as its group's name, and to know whether a new user's namesake
// group exists.
func (u *user) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	if err := ctx.Err(); err != nil {
		return resources.Change{}, err
	}
	exists := st["ensure"] == "present"
	switch {
	case !u.present && !exists:
		return resources.Change{Action: resources.NoOp}, nil
	case !u.present:
		c := resources.Change{Action: resources.Delete, Reason: "user exists",
			Attrs: []resources.AttrChange{resources.NewAttrChange("ensure", "present", "absent", false)}}
		return resources.WithIntent(c, userPlan{action: resources.Delete}), nil
	}
	d, err := readDB(u.env)
	if err != nil {
		return resources.Change{}, fmt.Errorf("user %s: %w", u.name, err)
	}
	if !exists {
		return u.planCreate(d), nil
	}
	return u.planUpdate(d, st), nil
}

func (u *user) planCreate(d *db) resources.Change {
	c := resources.Change{Action: resources.Create, Reason: "user does not exist",
		Creates: []resources.Account{{Kind: resources.UserAccount, Name: u.name}}}
	p := userPlan{action: resources.Create, system: u.system, groups: u.groups, home: u.home, shell: u.shell}
	add := func(name, v string) {
		if v != "" {
			c.Attrs = append(c.Attrs, resources.NewAttrChange(name, "", v, false))
		}
	}
	add("ensure", "present")
	if u.uid >= 0 {
		p.uid = &u.uid
		add("uid", strconv.Itoa(u.uid))
	}
	// A new user without a configured group joins the group named like it
	// when that exists, and gets it created otherwise, whatever
	// USERGROUPS_ENAB in the root's login.defs says.
	switch {
	case u.group != "":
		p.gid = u.group
		add("group", d.canonicalGroup(u.group))
	case d.group(u.name) != nil:
		p.gid = u.name
		add("group", u.name)
	default:
		p.userGroup = true
		add("group", u.name)
	}
	if u.group == "" {
		c.Creates = append(c.Creates, resources.Account{Kind: resources.GroupAccount, Name: u.name})
	}
	add("groups", strings.Join(u.groups, ","))
	add("home", u.home)
	add("shell", u.shell)
	return resources.WithIntent(c, p)
}

// planUpdate lists the managed attributes of an existing user that differ
// and what usermod must change for each.
func (u *user) planUpdate(d *db, st resources.State) resources.Change {
	c := resources.Change{Action: resources.Update}
	p := userPlan{action: resources.Update}
	differs := func(name, want string) bool {
		if st[name] == want {
			return false
		}
		c.Attrs = append(c.Attrs, resources.NewAttrChange(name, st[name], want, false))
		return true
	}
	if u.uid >= 0 && differs("uid", strconv.Itoa(u.uid)) {
		p.uid = &u.uid
	}
	if u.group != "" && differs("group", d.canonicalGroup(u.group)) {
		p.gid = u.group
	}
	if u.groups != nil || u.exclusive {
		have := splitList(st["groups"])
		if want := u.wantGroups(have); differs("groups", strings.Join(want, ",")) {
			p.groups, p.setGroups = u.joins(want, have)
		}
	}
	if u.home != "" && differs("home", u.home) {
		p.home = u.home
	}
	if u.shell != "" && differs("shell", u.shell) {
		p.shell = u.shell
	}
	if len(c.Attrs) == 0 {
		return resources.Change{Action: resources.NoOp}
	}
	var reasons []string
	for _, a := range c.Attrs {
		reasons = append(reasons, a.Name+" differs")
	}
	c.Reason = strings.Join(reasons, ", ")
	return resources.WithIntent(c, p)
}

// wantGroups is the membership list the user must end up with, given the
// one it has: the configured groups, plus the others unless exclusive.
func (u *user) wantGroups(have []string) []string {
	if u.exclusive {
		return u.groups
	}
	out := slices.Concat(have, u.groups)
	slices.Sort(out)
	return slices.Compact(out)
}

// joins is how usermod gets from the memberships the user has to want:
// the whole list when exclusive, else only the groups it lacks, appended,
// so a group another tool adds the user to meanwhile is not lost.
func (u *user) joins(want, have []string) (groups []string, set bool) {
	if u.exclusive {
		return slices.Clone(want), true
	}
	for _, g := range want {
		if !slices.Contains(have, g) {
			groups = append(groups, g)
		}
	}
	return groups, false
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Apply runs useradd, usermod or userdel as Plan decided.
func (u *user) Apply(ctx context.Context, c resources.Change) error {
	p, err := resources.IntentOf[userPlan](c)
	if err != nil {
		return fmt.Errorf("user %s: %w", u.name, err)
	}
	if p.action != c.Action {
		return fmt.Errorf("user %s: the change says %s, its plan %s", u.name, c.Action, p.action)
	}
	switch p.action {
	case resources.Create:
		return runTool(ctx, u.env, "useradd", p.addArgs(u.name)...)
	case resources.Update:
		return runTool(ctx, u.env, "usermod", p.modArgs(u.name)...)
	case resources.Delete:
		return runTool(ctx, u.env, "userdel", u.name)
	}
	return fmt.Errorf("user %s: cannot apply a %s change", u.name, c.Action)
}

// addArgs are useradd's arguments.
func (p userPlan) addArgs(name string) []string {
	args := []string{"--no-create-home"}
	if p.system {
		args = append(args, "--system")
	}
	args = append(args, p.ids()...)
	if p.userGroup {
		args = append(args, "--user-group")
	}
	if len(p.groups) > 0 {
		args = append(args, "--groups", strings.Join(p.groups, ","))
	}
	return append(args, p.paths("--home-dir", name)...)
}

// modArgs are usermod's arguments.
func (p userPlan) modArgs(name string) []string {
	args := p.ids()
	switch {
	case p.setGroups:
		args = append(args, "--groups", strings.Join(p.groups, ","))
	case len(p.groups) > 0:
		args = append(args, "--append", "--groups", strings.Join(p.groups, ","))
	}
	return append(args, p.paths("--home", name)...)
}

// ids are the --uid and --gid options both utilities take.
func (p userPlan) ids() []string {
	var args []string
	if p.uid != nil {
		args = append(args, "--uid", strconv.Itoa(*p.uid))
	}
	if p.gid != "" {
		args = append(args, "--gid", p.gid)
	}
	return args
}

// paths are the home and shell options, then the user's name.
func (p userPlan) paths(homeFlag, name string) []string {
	var args []string
	if p.home != "" {
		args = append(args, homeFlag, p.home)
	}
	if p.shell != "" {
		args = append(args, "--shell", p.shell)
	}
	return append(args, name)
}

// Verify reads and plans again: anything left to do is a failure.
func (u *user) Verify(ctx context.Context) error {
	return resources.Converged(ctx, u, "user "+u.name)
}
