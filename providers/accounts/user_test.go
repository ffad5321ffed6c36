package accounts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// The example: postfix joins opendkim so it can reach the milter
// socket.
func TestUserJoinsGroup(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	converge(t, newGroup(t, env, attrs{"name": str("opendkim")}))
	r := newUser(t, env, attrs{
		"name": str("postfix"), "groups": list("opendkim"),
		"home": str("/var/spool/postfix"), "shell": str("/usr/sbin/nologin"),
	})
	c := converge(t, r)
	wantAction(t, c, resources.Create, "user does not exist")
	want := []resources.AttrChange{
		{Name: "ensure", New: "present"}, {Name: "group", New: "postfix"}, {Name: "groups", New: "opendkim"},
		{Name: "home", New: "/var/spool/postfix"}, {Name: "shell", New: "/usr/sbin/nologin"},
	}
	if !slices.Equal(c.Attrs, want) {
		t.Fatalf("attrs %+v", c.Attrs)
	}
	if l := line(t, env, "/etc/passwd", "postfix"); l != "postfix:x:999:998::/var/spool/postfix:/usr/sbin/nologin" {
		t.Fatalf("passwd line %q", l)
	}
	if l := line(t, env, "/etc/group", "postfix"); l != "postfix:x:998:" {
		t.Fatalf("user group %q", l)
	}
	if l := line(t, env, "/etc/group", "opendkim"); l != "opendkim:x:999:postfix" {
		t.Fatalf("opendkim line %q", l)
	}
	if l := line(t, env, "/etc/shadow", "postfix"); !strings.HasPrefix(l, "postfix:!") {
		t.Fatalf("shadow line %q, want a locked account", l)
	}
	if _, err := os.Stat(env.Path("/var/spool/postfix")); err == nil {
		t.Fatal("home directory created")
	}
	st, _ := r.Read(context.Background())
	if st["groups"] != "opendkim" || st["group"] != "postfix" || st["uid"] != "999" {
		t.Fatalf("state %v", st)
	}
}

func TestUserJoinsExistingNamesakeGroup(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	converge(t, newGroup(t, env, attrs{"name": str("opendkim"), "gid": num(321)}))
	converge(t, newUser(t, env, attrs{"name": str("opendkim")}))
	if l := line(t, env, "/etc/passwd", "opendkim"); !strings.HasPrefix(l, "opendkim:x:999:321:") {
		t.Fatalf("passwd line %q", l)
	}
}

func TestUserPrimaryGroupByID(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	r := newUser(t, env, attrs{"name": str("svc"), "group": str("8"), "uid": num(555), "system": cty.False})
	c := converge(t, r)
	if c.Attrs[1] != (resources.AttrChange{Name: "uid", New: "555"}) || c.Attrs[2] != (resources.AttrChange{Name: "group", New: "mail"}) {
		t.Fatalf("attrs %+v", c.Attrs)
	}
	if l := line(t, env, "/etc/passwd", "svc"); !strings.HasPrefix(l, "svc:x:555:8:") {
		t.Fatalf("passwd line %q", l)
	}
	if line(t, env, "/etc/group", "svc") != "" {
		t.Fatal("a user group was created although group was given")
	}
	// By name, the same group is no change.
	if c := plan(t, newUser(t, env, attrs{"name": str("svc"), "group": str("mail")})); c.Action != resources.NoOp {
		t.Fatalf("plan %+v", c)
	}
}

func TestUserUpdate(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	converge(t, newUser(t, env, attrs{"name": str("app"), "shell": str("/bin/sh")}))
	r := newUser(t, env, attrs{"name": str("app"), "uid": num(700), "group": str("mail"),
		"home": str("/srv/app"), "shell": str("/usr/sbin/nologin")})
	c := converge(t, r)
	wantAction(t, c, resources.Update, "uid differs, group differs, home differs, shell differs")
	if l := line(t, env, "/etc/passwd", "app"); l != "app:x:700:8::/srv/app:/usr/sbin/nologin" {
		t.Fatalf("passwd line %q", l)
	}
}

func TestGroupsAreAddedNotReplaced(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	for _, g := range []string{"a", "b", "c"} {
		converge(t, newGroup(t, env, attrs{"name": str(g)}))
	}
	converge(t, newUser(t, env, attrs{"name": str("u"), "groups": list("a")}))
	// Someone else adds u to c.
	edit(t, env, "/etc/group", func(s string) string { return strings.Replace(s, "c:x:997:", "c:x:997:u", 1) })

	c := converge(t, newUser(t, env, attrs{"name": str("u"), "groups": list("b")}))
	wantAction(t, c, resources.Update, "groups differs")
	if c.Attrs[0] != (resources.AttrChange{Name: "groups", Old: "a,c", New: "a,b,c"}) {
		t.Fatalf("attrs %+v", c.Attrs)
	}
	for _, g := range []string{"a", "b", "c"} {
		if l := line(t, env, "/etc/group", g); !strings.HasSuffix(l, ":u") {
			t.Fatalf("group %s: %q", g, l)
		}
	}

	c = converge(t, newUser(t, env, attrs{"name": str("u"), "groups": list("b"), "groups_exclusive": cty.True}))
	if c.Attrs[0] != (resources.AttrChange{Name: "groups", Old: "a,b,c", New: "b"}) {
		t.Fatalf("exclusive attrs %+v", c.Attrs)
	}
	if line(t, env, "/etc/group", "a") != "a:x:999:" || line(t, env, "/etc/group", "b") != "b:x:998:u" {
		t.Fatalf("groups after exclusive: %q %q", line(t, env, "/etc/group", "a"), line(t, env, "/etc/group", "b"))
	}

	converge(t, newUser(t, env, attrs{"name": str("u"), "groups": list(), "groups_exclusive": cty.True}))
	st, _ := newUser(t, env, attrs{"name": str("u")}).Read(context.Background())
	if st["groups"] != "" {
		t.Fatalf("memberships left: %q", st["groups"])
	}
}

func TestUserAbsentKeepsHome(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	converge(t, newUser(t, env, attrs{"name": str("old"), "home": str("/home/old")}))
	if err := os.MkdirAll(env.Path("/home/old"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := converge(t, newUser(t, env, attrs{"name": str("old"), "ensure": str("absent")}))
	wantAction(t, c, resources.Delete, "user exists")
	if line(t, env, "/etc/passwd", "old") != "" || line(t, env, "/etc/shadow", "old") != "" {
		t.Fatal("user still there")
	}
	if _, err := os.Stat(env.Path("/home/old")); err != nil {
		t.Fatalf("home removed: %v", err)
	}
}

func TestUnknownGroupFailsApply(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	r := newUser(t, env, attrs{"name": str("u"), "groups": list("nosuch")})
	c, err := tryConverge(r)
	wantAction(t, c, resources.Create, "user does not exist")
	if err == nil || !strings.Contains(err.Error(), "useradd") || !strings.Contains(err.Error(), "nosuch") {
		t.Fatalf("err %v, want useradd's complaint about the group", err)
	}
	if line(t, env, "/etc/passwd", "u") != "" {
		t.Fatal("user created anyway")
	}
}

func TestUserIdentityAndNeeds(t *testing.T) {
	env := scratchRoot(t)
	cfg := config(t, UserSchema, env, attrs{"name": str("postfix"), "groups": list("opendkim", "sasl", "100")})
	if id := fmt.Sprint(UserKind().Identities(cfg)); id != "[user:postfix]" {
		t.Fatalf("identity %q", id)
	}
	if n := fmt.Sprint(UserKind().Order(cfg)); n != "[after group:postfix after group:opendkim after group:sasl]" {
		t.Fatalf("needs %v", n)
	}
	cfg = config(t, UserSchema, env, attrs{"name": str("postfix"), "group": str("mail"), "groups": list("mail")})
	if n := fmt.Sprint(UserKind().Order(cfg)); n != "[after group:mail]" {
		t.Fatalf("needs %v", n)
	}
	if id := fmt.Sprint(GroupKind().Identities(config(t, GroupSchema, env, attrs{"name": str("mail")}))); id != "[group:mail]" {
		t.Fatalf("group identity %q", id)
	}
}

func TestUserConfigErrors(t *testing.T) {
	env := scratchRoot(t)
	cases := []struct {
		a          attrs
		attr, want string
	}{
		{attrs{"name": str("a b")}, "name", "must not contain"},
		{attrs{"name": str(strings.Repeat("x", 33))}, "name", "longer than 32"},
		{attrs{"name": str("u"), "group": str("")}, "group", "must not be empty"},
		{attrs{"name": str("u"), "groups": list("ok", "bad,name")}, "groups", "must not contain"},
		{attrs{"name": str("u"), "groups_exclusive": cty.True}, "groups_exclusive", "needs groups"},
		{attrs{"name": str("u"), "home": str("home/u")}, "home", "absolute path"},
		{attrs{"name": str("u"), "shell": str("/bin/sh:x")}, "shell", "without ':'"},
		{attrs{"name": str("u"), "uid": num(1 << 32)}, "uid", "out of range"},
		{attrs{"name": str("u"), "ensure": str("absent"), "groups": list("a")}, "groups", "does not apply"},
	}
	for _, tc := range cases {
		_, err := UserKind().New(config(t, UserSchema, env, tc.a))
		wantAttrErr(t, err, tc.attr, tc.want)
	}
}

// A planned creation says which accounts it creates, so that files owned
// by them plan in the same run: the user, and its namesake group when no
// primary group is given.
func TestPlannedCreationsNameTheirAccounts(t *testing.T) {
	env := scratchRoot(t)
	user := func(name string) resources.Account { return resources.Account{Kind: resources.UserAccount, Name: name} }
	group := func(name string) resources.Account {
		return resources.Account{Kind: resources.GroupAccount, Name: name}
	}
	for _, c := range []struct {
		r    resources.Resource
		want []resources.Account
	}{
		{newUser(t, env, attrs{"name": str("svc")}), []resources.Account{user("svc"), group("svc")}},
		{newUser(t, env, attrs{"name": str("svc"), "group": str("users")}), []resources.Account{user("svc")}},
		{newGroup(t, env, attrs{"name": str("team")}), []resources.Account{group("team")}},
		{newUser(t, env, attrs{"name": str("svc"), "ensure": str("absent")}), nil},
	} {
		if got := plan(t, c.r).Creates; !slices.Equal(got, c.want) {
			t.Errorf("Creates %v, want %v", got, c.want)
		}
	}
}

func TestIDsOutOfRangeRefused(t *testing.T) {
	env := scratchRoot(t)
	for _, n := range []cty.Value{cty.NumberIntVal(-1), cty.NumberIntVal(4294967295), cty.NumberIntVal(4294967296), cty.MustParseNumberVal("99999999999999999999")} {
		for _, k := range []struct {
			kind resources.Kind
			attr string
		}{{UserKind(), "uid"}, {GroupKind(), "gid"}} {
			_, err := k.kind.New(config(t, k.kind.Schema(), env, attrs{"name": str("x"), k.attr: n}))
			var ae *resources.AttrError
			if !errors.As(err, &ae) || ae.Attr != k.attr || !strings.Contains(err.Error(), "out of range") {
				t.Errorf("%s = %s: %v, want an out-of-range AttrError", k.attr, n.AsBigFloat().Text('f', 0), err)
			}
		}
	}
	_, err := UserKind().New(config(t, UserSchema, env, attrs{"name": str("x"), "group": str("4294967296")}))
	if err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("group 4294967296: %v", err)
	}
}
