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

// user is one bound user resource.
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
	// db is what the last Read parsed; Plan and Apply resolve group names
	// and ids with it.
	db *db
}

// Read looks the user and its memberships up in the root's files.
func (u *user) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := readDB(u.env)
	if err != nil {
		return nil, err
	}
	u.db = d
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

// Plan compares existence and every managed attribute.
func (u *user) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	if u.db == nil {
		if _, err := u.Read(ctx); err != nil {
			return resources.Change{}, err
		}
	}
	exists := st["ensure"] == "present"
	switch {
	case !u.present && !exists:
		return resources.Change{Action: resources.NoOp}, nil
	case !u.present:
		return resources.Change{Action: resources.Delete, Reason: "user exists",
			Attrs: []resources.AttrChange{resources.NewAttrChange("ensure", "present", "absent", false)}}, nil
	case !exists:
		return u.planCreate(), nil
	}
	c := resources.Change{Action: resources.Update, Attrs: u.diffs(st)}
	if len(c.Attrs) == 0 {
		return resources.Change{Action: resources.NoOp}, nil
	}
	var reasons []string
	for _, a := range c.Attrs {
		reasons = append(reasons, a.Name+" differs")
	}
	c.Reason = strings.Join(reasons, ", ")
	return c, nil
}

func (u *user) planCreate() resources.Change {
	c := resources.Change{Action: resources.Create, Reason: "user does not exist",
		Creates: []resources.Account{{Kind: resources.UserAccount, Name: u.name}}}
	add := func(name, v string) {
		if v != "" {
			c.Attrs = append(c.Attrs, resources.NewAttrChange(name, "", v, false))
		}
	}
	add("ensure", "present")
	if u.uid >= 0 {
		add("uid", strconv.Itoa(u.uid))
	}
	if u.group != "" {
		add("group", u.db.canonicalGroup(u.group))
	} else {
		add("group", u.name)
		c.Creates = append(c.Creates, resources.Account{Kind: resources.GroupAccount, Name: u.name})
	}
	add("groups", strings.Join(u.groups, ","))
	add("home", u.home)
	add("shell", u.shell)
	return c
}

// diffs lists the managed attributes of an existing user that differ.
func (u *user) diffs(st resources.State) []resources.AttrChange {
	var out []resources.AttrChange
	add := func(name, want string) {
		if st[name] != want {
			out = append(out, resources.NewAttrChange(name, st[name], want, false))
		}
	}
	if u.uid >= 0 {
		add("uid", strconv.Itoa(u.uid))
	}
	if u.group != "" {
		add("group", u.db.canonicalGroup(u.group))
	}
	if u.groups != nil || u.exclusive {
		add("groups", strings.Join(u.wantGroups(splitList(st["groups"])), ","))
	}
	if u.home != "" {
		add("home", u.home)
	}
	if u.shell != "" {
		add("shell", u.shell)
	}
	return out
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

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Apply runs useradd, usermod or userdel.
func (u *user) Apply(ctx context.Context, c resources.Change) error {
	switch c.Action {
	case resources.Create:
		return runTool(ctx, u.env, "useradd", u.addArgs()...)
	case resources.Update:
		return runTool(ctx, u.env, "usermod", u.modArgs(c)...)
	case resources.Delete:
		return runTool(ctx, u.env, "userdel", u.name)
	}
	return fmt.Errorf("user cannot apply a %s change", c.Action)
}

// addArgs are useradd's arguments. A new user without a configured group
// joins the group named like it when that exists, and gets it created
// otherwise, whatever USERGROUPS_ENAB in the root's login.defs says.
func (u *user) addArgs() []string {
	args := []string{"--no-create-home"}
	if u.system {
		args = append(args, "--system")
	}
	if u.uid >= 0 {
		args = append(args, "--uid", strconv.Itoa(u.uid))
	}
	switch {
	case u.group != "":
		args = append(args, "--gid", u.group)
	case u.db != nil && u.db.group(u.name) != nil:
		args = append(args, "--gid", u.name)
	default:
		args = append(args, "--user-group")
	}
	if len(u.groups) > 0 {
		args = append(args, "--groups", strings.Join(u.groups, ","))
	}
	if u.home != "" {
		args = append(args, "--home-dir", u.home)
	}
	if u.shell != "" {
		args = append(args, "--shell", u.shell)
	}
	return append(args, u.name)
}

// modArgs turns the planned attribute changes into usermod's arguments.
// Memberships are appended unless exclusive, so a group another tool adds
// the user to meanwhile is not lost.
func (u *user) modArgs(c resources.Change) []string {
	var args []string
	for _, a := range c.Attrs {
		switch a.Name {
		case "uid":
			args = append(args, "--uid", a.New)
		case "group":
			args = append(args, "--gid", a.New)
		case "home":
			args = append(args, "--home", a.New)
		case "shell":
			args = append(args, "--shell", a.New)
		case "groups":
			args = append(args, u.groupArgs(a)...)
		}
	}
	return append(args, u.name)
}

func (u *user) groupArgs(a resources.AttrChange) []string {
	if u.exclusive {
		return []string{"--groups", a.New}
	}
	var missing []string
	for _, g := range splitList(a.New) {
		if !slices.Contains(splitList(a.Old), g) {
			missing = append(missing, g)
		}
	}
	return []string{"--append", "--groups", strings.Join(missing, ",")}
}

// Verify reads and plans again: anything left to do is a failure.
func (u *user) Verify(ctx context.Context) error {
	return resources.Converged(ctx, u, "user "+u.name)
}
