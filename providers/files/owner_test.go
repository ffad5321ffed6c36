package files

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
)

// writeAccounts gives the fixture's root its own accounts, which differ
// from any host's.
func writeAccounts(f *fixture) {
	f.write("/etc/passwd", "# local accounts\nroot:x:0:0:root:/root:/bin/sh\napp:x:4242:4343::/srv/app:/bin/false\napp:x:9999:9999::/:/bin/false\n", 0644)
	f.write("/etc/group", "root:x:0:\nappgrp:x:4343:app\n", 0644)
}

func TestOwnerAndGroupFromRootAccounts(t *testing.T) {
	needRoot(t)
	f := newFixture(t)
	writeAccounts(f)
	r := f.resource(attrs{"path": str("/etc/app.conf"), "content": str("x"), "owner": str("app"), "group": str("appgrp")})
	c := f.converge(r)
	wantAction(t, c, resources.Create, "file does not exist")
	if uid, gid := owner(f.lstat("/etc/app.conf")); uid != 4242 || gid != 4343 {
		t.Fatalf("owner %d:%d, want 4242:4343 (first passwd entry wins)", uid, gid)
	}
	st, err := r.Read(context.Background())
	if err != nil || st["owner"] != "app" || st["group"] != "appgrp" {
		t.Fatalf("state %v, %v", st, err)
	}
	// Numeric ids compare as the names they resolve to.
	byID := f.resource(attrs{"path": str("/etc/app.conf"), "content": str("x"), "owner": str("4242"), "group": str("4343")})
	wantAction(t, f.plan(byID), resources.NoOp, "")
}

func TestOwnerOnlyChangeDoesNotRewrite(t *testing.T) {
	needRoot(t)
	f := newFixture(t)
	writeAccounts(f)
	f.write("/etc/setuid", "bin", 04755)
	before := f.lstat("/etc/setuid")
	c := f.converge(f.resource(attrs{"path": str("/etc/setuid"), "owner": str("app")}))
	wantAction(t, c, resources.Update, "owner differs")
	after := f.lstat("/etc/setuid")
	if !os.SameFile(before, after) {
		t.Fatal("owner change replaced the file")
	}
	// chown clears setuid; the unmanaged mode must survive it.
	if after.Mode() != before.Mode() {
		t.Fatalf("mode %v, want %v kept", after.Mode(), before.Mode())
	}
	if uid, _ := owner(after); uid != 4242 {
		t.Fatalf("uid %d", uid)
	}
}

func TestUnknownIDsShowNumerically(t *testing.T) {
	f := newFixture(t)
	writeAccounts(f)
	f.write("/etc/f", "x", 0644)
	if os.Geteuid() == 0 {
		if err := os.Chown(f.path("/etc/f"), 31337, 31338); err != nil {
			t.Fatal(err)
		}
		st, _ := f.resource(attrs{"path": str("/etc/f")}).Read(context.Background())
		if st["owner"] != "31337" || st["group"] != "31338" {
			t.Fatalf("state %v", st)
		}
	}
	// A name the root does not know fails at Apply, whatever the host has.
	r := f.resource(attrs{"path": str("/etc/f"), "owner": str("nobody-here")})
	wantErr(t, f.apply(r), `unknown user "nobody-here": not in `+f.path("/etc/passwd"))
}

// TestAccountsNotReadThroughSymlink: a root whose /etc/passwd is a symlink
// (an absolute target points outside the root) has no accounts, rather
// than the target's.
func TestAccountsNotReadThroughSymlink(t *testing.T) {
	f := newFixture(t)
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte("evil:x:0:0::/:/bin/sh\n"), 0644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, f.path("/etc/passwd")); err != nil {
		t.Fatal(err)
	}
	if _, err := managedfile.UserID(f.env, "evil"); err == nil {
		t.Fatal("a user was resolved through a symlinked /etc/passwd")
	}
}

// Plan lists the owner and group the root does not have (numeric ids and
// sensitive names never), for the engine to decide who creates them; the
// account appearing later in the run is found.
func TestPlanListsMissingAccounts(t *testing.T) {
	f := newFixture(t)
	writeAccounts(f)
	c := f.plan(f.resource(attrs{"path": str("/etc/x"), "owner": str("opendkim"), "group": str("appgrp")}))
	want := resources.AccountRef{Attr: "owner", Account: resources.Account{Kind: resources.UserAccount, Name: "opendkim"}}
	if len(c.Missing) != 1 || c.Missing[0] != want {
		t.Fatalf("Missing %v, want [%v]", c.Missing, want)
	}
	for _, a := range []attrs{
		{"path": str("/etc/x"), "owner": str("4242"), "group": str("12345")},
		{"path": str("/etc/x"), "ensure": str("absent")},
	} {
		if c := f.plan(f.resource(a)); len(c.Missing) != 0 {
			t.Errorf("%v: Missing %v, want none", a, c.Missing)
		}
	}
	if c := f.plan(f.resource(attrs{"path": str("/etc/x"), "owner": str("secret-user")}, "owner")); len(c.Missing) != 0 {
		t.Errorf("a sensitive owner is listed: %v", c.Missing)
	}
	f.write("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nopendkim:x:120:120::/:/bin/false\n", 0644)
	if c := f.plan(f.resource(attrs{"path": str("/etc/x"), "owner": str("opendkim")})); len(c.Missing) != 0 {
		t.Errorf("after the user was created: Missing %v", c.Missing)
	}
}

// Ids beyond 2^32-2 never reach chown: 4294967296 would be uid 0.
func TestOutOfRangeIDsRefused(t *testing.T) {
	f := newFixture(t)
	for _, v := range []string{"4294967296", "4294967295", "-1", "99999999999999999999"} {
		for _, attr := range []string{"owner", "group"} {
			_, err := Kind().New(f.config(attrs{"path": str("/etc/x"), attr: str(v)}))
			var ae *resources.AttrError
			if !errors.As(err, &ae) || ae.Attr != attr || !strings.Contains(err.Error(), "out of range") {
				t.Errorf("%s = %q: %v, want an out-of-range AttrError", attr, v, err)
			}
		}
	}
	if _, err := managedfile.UserID(f.env, "4294967296"); err == nil {
		t.Error("the id lookup accepts 4294967296")
	}
}

// A name whose entry under the root has an id out of range is not
// resolved: chown would wrap 4294967296 around to root.
func TestRootEntryOutOfRangeIgnored(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwrap:x:4294967296:0::/:/bin/false\n", 0644)
	if id, err := managedfile.UserID(f.env, "wrap"); err == nil {
		t.Fatalf("wrap resolves to uid %d", id)
	}
}
