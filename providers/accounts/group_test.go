package accounts

import (
	"context"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

func TestGroupLifecycle(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	c := converge(t, newGroup(t, env, attrs{"name": str("opendkim")}))
	wantAction(t, c, resources.Create, "group does not exist")
	if l := line(t, env, "/etc/group", "opendkim"); l != "opendkim:x:999:" {
		t.Fatalf("group line %q, want a system gid from the top of SYS_GID range", l)
	}
	if l := line(t, env, "/etc/gshadow", "opendkim"); l == "" {
		t.Fatal("no gshadow entry: groupadd was not used")
	}

	c = converge(t, newGroup(t, env, attrs{"name": str("opendkim"), "gid": num(150)}))
	wantAction(t, c, resources.Update, "gid differs")
	if c.Attrs[0] != (resources.AttrChange{Name: "gid", Old: "999", New: "150"}) {
		t.Fatalf("attrs %+v", c.Attrs)
	}
	if l := line(t, env, "/etc/group", "opendkim"); l != "opendkim:x:150:" {
		t.Fatalf("group line %q", l)
	}

	c = converge(t, newGroup(t, env, attrs{"name": str("opendkim"), "ensure": str("absent")}))
	wantAction(t, c, resources.Delete, "group exists")
	if l := line(t, env, "/etc/group", "opendkim"); l != "" {
		t.Fatalf("group still there: %q", l)
	}
}

func TestGroupNonSystemAndFixedGID(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	converge(t, newGroup(t, env, attrs{"name": str("staff2"), "system": cty.False}))
	if l := line(t, env, "/etc/group", "staff2"); l != "staff2:x:1000:" {
		t.Fatalf("group line %q, want the first regular gid", l)
	}
	c := converge(t, newGroup(t, env, attrs{"name": str("fixed"), "gid": num(4321)}))
	if len(c.Attrs) != 2 || c.Attrs[1].Name != "gid" || c.Attrs[1].New != "4321" {
		t.Fatalf("create attrs %+v", c.Attrs)
	}
	if l := line(t, env, "/etc/group", "fixed"); l != "fixed:x:4321:" {
		t.Fatalf("group line %q", l)
	}
}

func TestGroupGIDTakenFails(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	_, err := tryConverge(newGroup(t, env, attrs{"name": str("other"), "gid": num(8)}))
	if err == nil || !strings.Contains(err.Error(), "groupadd") || !strings.Contains(err.Error(), "8") {
		t.Fatalf("err %v, want groupadd's complaint about gid 8", err)
	}
	if line(t, env, "/etc/group", "other") != "" {
		t.Fatal("group created anyway")
	}
}

func TestGroupReadChangesNothing(t *testing.T) {
	env := scratchRoot(t)
	r := newGroup(t, env, attrs{"name": str("opendkim")})
	st, err := r.Read(context.Background())
	if err != nil || st["ensure"] != "absent" {
		t.Fatalf("state %v, %v", st, err)
	}
	c, err := r.Plan(context.Background(), st)
	if err != nil || c.Action != resources.Create {
		t.Fatalf("plan %+v, %v", c, err)
	}
	if line(t, env, "/etc/group", "opendkim") != "" {
		t.Fatal("plan created the group")
	}
}

func TestGroupConfigErrors(t *testing.T) {
	env := scratchRoot(t)
	cases := []struct {
		a          attrs
		attr, want string
	}{
		{attrs{"name": str("")}, "name", "must not be empty"},
		{attrs{"name": str("a:b")}, "name", "must not contain"},
		{attrs{"name": str("-x")}, "name", "must not start with"},
		{attrs{"name": str("g"), "ensure": str("gone")}, "ensure", `ensure must be "present" or "absent"`},
		{attrs{"name": str("g"), "ensure": str("absent"), "gid": num(5)}, "gid", "does not apply"},
		{attrs{"name": str("g"), "gid": num(-1)}, "gid", "out of range"},
		{attrs{"name": str("g"), "gid": cty.NumberFloatVal(1.5)}, "gid", "whole number"},
	}
	for _, tc := range cases {
		_, err := GroupKind().New(config(t, GroupSchema, env, tc.a))
		wantAttrErr(t, err, tc.attr, tc.want)
	}
}

func wantAttrErr(t *testing.T, err error, attr, want string) {
	t.Helper()
	ae, ok := err.(*resources.AttrError)
	if !ok || ae.Attr != attr || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v (%T), want an error on %s containing %q", err, err, attr, want)
	}
}
