package systemd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// scratchTree is a root that has never booted, with one unit that can be
// enabled and one static unit.
func scratchTree(t *testing.T) resources.Env {
	t.Helper()
	if _, err := exec.LookPath("systemctl"); err != nil {
		t.Skip("no systemctl")
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "lib/systemd/system/tend-test.service"), unitFile(""))
	writeFile(t, filepath.Join(root, "lib/systemd/system/tend-static.service"), "[Service]\nExecStart=/bin/true\n")
	if err := os.MkdirAll(filepath.Join(root, "etc/systemd/system"), 0o755); err != nil {
		t.Fatal(err)
	}
	return resources.Env{Root: root}
}

func wantsLink(env resources.Env) bool {
	_, err := os.Lstat(env.Path("/etc/systemd/system/multi-user.target.wants/tend-test.service"))
	return err == nil
}

func TestOfflineEnableDefersStart(t *testing.T) {
	env := scratchTree(t)
	r := bind(t, env, attrs{"name": str("tend-test"), "ensure": str("running"), "enable": cty.True})
	c := mustConverge(t, r)
	wantAction(t, c, resources.Update, "enable is disabled, want enabled; starting is deferred to boot (offline under --root)")
	if !wantsLink(env) {
		t.Fatal("not enabled: no link in multi-user.target.wants")
	}
	if r.Output() != "enabled tend-test.service under "+env.Root+"\nstarting tend-test.service is deferred to boot" {
		t.Errorf("output %q", r.Output())
	}
	again := plan(t, r)
	wantAction(t, again, resources.NoOp, "starting is deferred to boot")
	if err := r.Refresh(context.Background()); err != nil || r.Output() != "not refreshed: nothing runs offline under "+env.Root {
		t.Errorf("refresh: %v, output %q", err, r.Output())
	}

	mustConverge(t, bind(t, env, attrs{"name": str("tend-test"), "enable": cty.False}))
	if wantsLink(env) {
		t.Fatal("still enabled")
	}
}

func TestOfflineMask(t *testing.T) {
	env := scratchTree(t)
	c := mustConverge(t, bind(t, env, attrs{"name": str("tend-test.service"), "masked": cty.True, "ensure": str("stopped")}))
	wantAction(t, c, resources.Update, "masked is false, want true")
	if target, _ := os.Readlink(env.Path("/etc/systemd/system/tend-test.service")); target != "/dev/null" {
		t.Fatalf("mask link points to %q", target)
	}
	c = mustConverge(t, bind(t, env, attrs{"name": str("tend-test"), "masked": cty.False, "enable": cty.True}))
	wantAction(t, c, resources.Update, "masked is true, want false")
	if _, err := os.Lstat(env.Path("/etc/systemd/system/tend-test.service")); err == nil {
		t.Fatal("mask link left")
	}
	if !wantsLink(env) {
		t.Fatal("not enabled after unmasking")
	}
}

func TestOfflineMissingAndStatic(t *testing.T) {
	env := scratchTree(t)
	r := bind(t, env, attrs{"name": str("nosuch"), "enable": cty.True, "ensure": str("running")})
	c, err := converge(t, r)
	wantAction(t, c, resources.Create, "nosuch.service not found yet")
	wantAction(t, c, resources.Create, "starting is deferred to boot")
	wantErr(t, err, "nosuch.service not found under "+env.Root)

	_, err = tryPlan(bind(t, env, attrs{"name": str("tend-static"), "enable": cty.True}))
	wantErr(t, err, "tend-static.service is static")
	if c := plan(t, bind(t, env, attrs{"name": str("tend-static"), "enable": cty.False})); c.Action != resources.NoOp {
		t.Fatalf("static, enable = false: %+v", c)
	}
	// A unit file arriving between plan and apply (its package installed
	// earlier in the run) is found by Apply.
	r = bind(t, env, attrs{"name": str("later"), "enable": cty.True})
	c = plan(t, r)
	writeFile(t, env.Path("/lib/systemd/system/later.service"), unitFile(""))
	if err := r.Apply(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestOfflineReadChangesNothing(t *testing.T) {
	env := scratchTree(t)
	r := bind(t, env, attrs{"name": str("tend-test"), "enable": cty.True, "masked": cty.False})
	if c := plan(t, r); c.Action != resources.Update {
		t.Fatalf("plan %+v", c)
	}
	if wantsLink(env) {
		t.Fatal("plan enabled the unit")
	}
}
