package systemd

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		a          attrs
		attr, want string
	}{
		{attrs{"name": str("")}, "name", "must be a unit name"},
		{attrs{"name": str("/lib/systemd/system/x.service")}, "name", "not a path"},
		{attrs{"name": str("bad name")}, "name", "not a valid unit name"},
		{attrs{"name": str("getty@")}, "name", "is a template: name an instance, such as getty@NAME.service"},
		{attrs{"name": str("x"), "ensure": str("started")}, "ensure", `ensure must be "running" or "stopped"`},
		{attrs{"name": str("x"), "refresh": str("kill")}, "refresh", `refresh must be "reload", "restart" or "reload-or-restart"`},
		{attrs{"name": str("x"), "job_timeout": cty.NumberIntVal(0)}, "job_timeout", "positive"},
		{attrs{"name": str("x"), "job_timeout": cty.NumberFloatVal(0.5)}, "job_timeout", "whole number"},
		{attrs{"name": str("x"), "masked": cty.True, "ensure": str("running")}, "masked", "cannot be running"},
		{attrs{"name": str("x"), "masked": cty.True, "enable": cty.True}, "masked", "cannot be enabled"},
		{attrs{"name": str("x"), "package": str("Postfix")}, "package", "not a Debian package name"},
	}
	for _, tc := range cases {
		_, err := Kind().New(config(t, resources.Env{}, tc.a))
		ae, ok := err.(*resources.AttrError)
		if !ok || ae.Attr != tc.attr || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one on %s containing %q", tc.a, err, tc.attr, tc.want)
		}
	}
}

func TestIdentityAndNeeds(t *testing.T) {
	cfg := config(t, resources.Env{}, attrs{"name": str("postfix")})
	if id := fmt.Sprint(Kind().Identities(cfg)); id != "[service:postfix.service]" {
		t.Fatalf("identity %q", id)
	}
	if id := fmt.Sprint(Kind().Identities(config(t, resources.Env{}, attrs{"name": str("postfix.service")}))); id != "[service:postfix.service]" {
		t.Fatalf("identity %q", id)
	}
	want := "[after package:postfix after file:/etc/systemd/system/postfix.service after file:/lib/systemd/system/postfix.service after file:/usr/lib/systemd/system/postfix.service]"
	if n := fmt.Sprint(Kind().Order(cfg)); n != want {
		t.Fatalf("needs %v", n)
	}
	cfg = config(t, resources.Env{}, attrs{"name": str("postfix@-.service"), "package": str("postfix-instances")})
	n := Kind().Order(cfg)
	if n[0] != resources.After(resources.PackageID("postfix-instances")) || !slices.Contains(n, resources.After(resources.FileID("/lib/systemd/system/postfix@.service"))) ||
		!slices.Contains(n, resources.After(resources.FileID("/etc/systemd/system/postfix@-.service"))) || len(n) != 7 {
		t.Fatalf("instance needs %v", n)
	}
	if id := fmt.Sprint(Kind().Identities(config(t, resources.Env{}, attrs{"name": str("fstrim.timer")}))); id != "[service:fstrim.timer]" {
		t.Fatalf("timer identity %q", id)
	}
}

// TestPlan drives Plan with states as systemd reports them.
func TestPlan(t *testing.T) {
	running := resources.State{"load": "loaded", "active": "active", "sub": "running", "enabled": "enabled", "masked": "false"}
	dead := resources.State{"load": "loaded", "active": "inactive", "sub": "dead", "enabled": "disabled", "masked": "false"}
	failed := resources.State{"load": "loaded", "active": "failed", "sub": "failed", "enabled": "enabled", "masked": "false"}
	masked := resources.State{"load": "masked", "active": "inactive", "sub": "dead", "enabled": "masked", "masked": "true"}
	static := resources.State{"load": "loaded", "active": "inactive", "sub": "dead", "enabled": "static", "masked": "false"}
	missing := resources.State{"load": "not-found", "active": "inactive", "sub": "dead", "enabled": "", "masked": "false"}
	stale := resources.State{"load": "loaded", "active": "active", "sub": "running", "enabled": "enabled", "masked": "false", "need_daemon_reload": "true"}
	on, off := cty.True, cty.False
	cases := []struct {
		a      attrs
		st     resources.State
		action resources.Action
		reason string
		attrs  []resources.AttrChange
		err    string
	}{
		{a: attrs{"ensure": str("running"), "enable": on}, st: running, action: resources.NoOp},
		{a: attrs{"ensure": str("running"), "enable": on}, st: dead, action: resources.Update,
			reason: "enable is disabled, want enabled; inactive (dead), want running",
			attrs:  []resources.AttrChange{{Name: "enable", Old: "disabled", New: "enabled"}, {Name: "ensure", Old: "inactive (dead)", New: "running"}}},
		{a: attrs{"ensure": str("stopped"), "enable": off}, st: dead, action: resources.NoOp},
		{a: attrs{"ensure": str("stopped")}, st: failed, action: resources.NoOp},
		{a: attrs{"ensure": str("running")}, st: failed, action: resources.Update, reason: "failed (failed), want running"},
		{a: attrs{"ensure": str("stopped"), "enable": off}, st: running, action: resources.Update,
			reason: "enable is enabled, want disabled; active (running), want stopped"},
		{a: attrs{}, st: dead, action: resources.NoOp},
		{a: attrs{"masked": on, "ensure": str("stopped")}, st: running, action: resources.Update,
			attrs: []resources.AttrChange{{Name: "masked", Old: "false", New: "true"}, {Name: "ensure", Old: "active (running)", New: "stopped"}}},
		{a: attrs{"masked": on}, st: masked, action: resources.NoOp},
		{a: attrs{"masked": off, "enable": on, "ensure": str("running")}, st: masked, action: resources.Update,
			attrs: []resources.AttrChange{{Name: "masked", Old: "true", New: "false"}, {Name: "enable", Old: "masked", New: "enabled"},
				{Name: "ensure", Old: "inactive (dead)", New: "running"}}},
		{a: attrs{"ensure": str("running")}, st: masked, err: "is masked: it cannot be started unless masked = false"},
		{a: attrs{"enable": on}, st: masked, err: "is masked: it cannot be enabled unless masked = false"},
		{a: attrs{"enable": off}, st: masked, action: resources.NoOp},
		{a: attrs{"enable": on}, st: static, err: "is static: it has no [Install] section"},
		{a: attrs{"enable": off, "ensure": str("stopped")}, st: static, action: resources.NoOp},
		{a: attrs{"ensure": str("running"), "enable": on}, st: missing, action: resources.Create, reason: "not found yet",
			attrs: []resources.AttrChange{{Name: "enable", New: "enabled"}, {Name: "ensure", New: "running"}}},
		{a: attrs{}, st: missing, action: resources.NoOp, reason: "not found (only refreshed)"},
		{a: attrs{"ensure": str("running")}, st: stale, action: resources.Update, reason: "unit file changed on disk (daemon-reload first)"},
		{a: attrs{"enable": on}, st: resources.State{"load": "loaded", "enabled": "generated", "masked": "false"}, err: `unit file state "generated"`},
	}
	for i, tc := range cases {
		tc.a["name"] = str("tend-test")
		r := bind(t, resources.Env{}, tc.a)
		c, err := r.Plan(t.Context(), tc.st)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("case %d: error %v, want %q", i, err, tc.err)
			}
		case err != nil:
			t.Errorf("case %d: %v", i, err)
		case c.Action != tc.action || !strings.Contains(c.Reason, tc.reason) || (tc.attrs != nil && !slices.Equal(c.Attrs, tc.attrs)):
			t.Errorf("case %d: %s %q %+v\nwant %s %q %+v", i, c.Action, c.Reason, c.Attrs, tc.action, tc.reason, tc.attrs)
		}
	}
}

func TestStateLeavesOutWhatMovesByItself(t *testing.T) {
	o := observation{load: "loaded", active: "active", sub: "running", file: "enabled", canReload: true}
	st := o.state()
	want := resources.State{"load": "loaded", "active": "active", "sub": "running", "enabled": "enabled", "masked": "false"}
	if len(st) != len(want) {
		t.Fatalf("state %v", st)
	}
	for k, v := range want {
		if st[k] != v {
			t.Fatalf("state %v, want %v", st, want)
		}
	}
}

func TestNoRunningSystemd(t *testing.T) {
	if _, err := os.Stat(runningSystemd); err == nil {
		t.Skip("systemd runs here")
	}
	_, err := bind(t, resources.Env{Root: "/"}, attrs{"name": str("postfix"), "ensure": str("running")}).Read(t.Context())
	wantErr(t, err, "systemd is not running here (no /run/systemd/system); to prepare a tree that has not booted, use --root")
}
