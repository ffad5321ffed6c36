package accounts

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/container"
	"github.com/zclconf/go-cty/cty"
)

// TestDebianRootfs manages accounts in a Debian 11 tree that has not
// booted, with its own login.defs, then boots it: the system's own tools
// see them.
func TestDebianRootfs(t *testing.T) {
	c := container.New(t, container.Options{})
	env := resources.Env{Root: c.Root()}
	converge(t, newGroup(t, env, attrs{"name": str("opendkim")}))
	converge(t, newUser(t, env, attrs{"name": str("opendkim"), "home": str("/run/opendkim"), "shell": str("/usr/sbin/nologin")}))
	converge(t, newUser(t, env, attrs{"name": str("postfix"), "groups": list("opendkim", "mail")}))
	converge(t, newUser(t, env, attrs{"name": str("alice"), "system": cty.False}))

	st, err := newUser(t, env, attrs{"name": str("postfix")}).Read(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(st["uid"])
	if uid < 100 || uid >= 1000 || st["group"] != "postfix" || st["groups"] != "mail,opendkim" {
		t.Fatalf("postfix: %v, want a system account from Debian's login.defs ranges", st)
	}
	if l := line(t, env, "/etc/passwd", "alice"); !strings.HasPrefix(l, "alice:x:1000:1000:") {
		t.Fatalf("alice: %q", l)
	}
	if l := line(t, env, "/etc/passwd", "opendkim"); !strings.HasSuffix(l, ":/run/opendkim:/usr/sbin/nologin") {
		t.Fatalf("opendkim: %q", l)
	}

	c.Boot(t)
	if id := strings.TrimSpace(c.Run(t, "id", "-nG", "postfix")); id != "postfix mail opendkim" {
		t.Fatalf("id -nG postfix inside: %q", id)
	}
	for _, u := range []string{"postfix", "opendkim", "alice"} {
		if sh := c.Run(t, "getent", "shadow", u); !strings.HasPrefix(sh, u+":!") {
			t.Fatalf("shadow entry of %s: %q, want a locked one", u, sh)
		}
	}
	c.Run(t, "grpck", "-r") // group and gshadow agree
}
