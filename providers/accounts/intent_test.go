package accounts

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// accountFiles is the content of the root's four account files, to show
// that a refused Apply changed none of them.
func accountFiles(t *testing.T, env resources.Env) string {
	t.Helper()
	var b strings.Builder
	for _, f := range []string{"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"} {
		data, err := os.ReadFile(env.Path(f))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// refused applies c, which no Plan made, and wants an error naming the
// account and the root's files as they were.
func refused(t *testing.T, env resources.Env, r resources.Resource, c resources.Change, name string) {
	t.Helper()
	before := accountFiles(t, env)
	err := r.Apply(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "plan") {
		t.Fatalf("Apply of a change without its plan: %v, want an error naming %s", err, name)
	}
	if accountFiles(t, env) != before {
		t.Fatal("a refused Apply changed the account files")
	}
}

func TestUserApplyNeedsItsPlan(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	converge(t, newUser(t, env, attrs{"name": str("app"), "shell": str("/bin/sh")}))
	r := newUser(t, env, attrs{"name": str("app"), "shell": str("/bin/bash")})
	refused(t, env, r, resources.Change{Action: resources.Update, Reason: "shell differs",
		Attrs: []resources.AttrChange{{Name: "shell", Old: "/bin/sh", New: "/bin/bash"}}}, "user app")
	refused(t, env, newUser(t, env, attrs{"name": str("new")}),
		resources.Change{Action: resources.Create, Attrs: []resources.AttrChange{{Name: "ensure", New: "present"}}}, "user new")
	// A plan of another kind is not this kind's either.
	c := resources.WithIntent(resources.Change{Action: resources.Delete}, groupPlan{action: resources.Delete})
	refused(t, env, newUser(t, env, attrs{"name": str("app"), "ensure": str("absent")}), c, "user app")
}

// What Apply changes is what Plan decided, whatever the Change's display
// attributes say once it is made.
func TestUserApplyFollowsThePlanNotItsText(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	for _, g := range []string{"a", "b"} {
		converge(t, newGroup(t, env, attrs{"name": str(g)}))
	}
	converge(t, newUser(t, env, attrs{"name": str("app"), "uid": num(500), "shell": str("/bin/sh"), "groups": list("a")}))
	r := newUser(t, env, attrs{"name": str("app"), "uid": num(500), "shell": str("/bin/bash"), "groups": list("b")})
	c := plan(t, r)
	wantAction(t, c, resources.Update, "shell differs")
	c.Attrs = []resources.AttrChange{
		{Name: "uid", Old: "500", New: "501"}, {Name: "group", Old: "app", New: "root"},
		{Name: "shell", Old: "/bin/sh", New: "/bin/false"}, {Name: "groups", Old: "", New: "a,b"},
	}
	if err := r.Apply(context.Background(), c); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if l := line(t, env, "/etc/passwd", "app"); !strings.HasPrefix(l, "app:x:500:") || !strings.HasSuffix(l, ":/bin/bash") {
		t.Fatalf("passwd line %q, want uid 500, its own group and /bin/bash as planned", l)
	}
	if l := line(t, env, "/etc/group", "a"); !strings.HasSuffix(l, ":app") {
		t.Fatalf("group a %q: the membership it had is kept", l)
	}
	if l := line(t, env, "/etc/group", "b"); !strings.HasSuffix(l, ":app") {
		t.Fatalf("group b %q: the planned membership is missing", l)
	}
}

func TestGroupApplyNeedsItsPlan(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	converge(t, newGroup(t, env, attrs{"name": str("g"), "gid": num(400)}))
	r := newGroup(t, env, attrs{"name": str("g"), "gid": num(401)})
	refused(t, env, r, resources.Change{Action: resources.Update, Reason: "gid differs",
		Attrs: []resources.AttrChange{{Name: "gid", Old: "400", New: "401"}}}, "group g")
	refused(t, env, newGroup(t, env, attrs{"name": str("h")}),
		resources.Change{Action: resources.Create, Attrs: []resources.AttrChange{{Name: "ensure", New: "present"}}}, "group h")
}

func TestGroupApplyFollowsThePlanNotItsText(t *testing.T) {
	needRoot(t)
	env := scratchRoot(t)
	r := newGroup(t, env, attrs{"name": str("g"), "gid": num(400), "system": cty.False})
	c := plan(t, r)
	wantAction(t, c, resources.Create, "group does not exist")
	c.Attrs = []resources.AttrChange{{Name: "ensure", New: "present"}, {Name: "gid", New: "777"}}
	if err := r.Apply(context.Background(), c); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if l := line(t, env, "/etc/group", "g"); l != "g:x:400:" {
		t.Fatalf("group line %q, want the planned gid 400", l)
	}
}
