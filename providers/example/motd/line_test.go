package motd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

func bind(t *testing.T, root string, a map[string]string) (resources.Resource, error) {
	t.Helper()
	vals := map[string]cty.Value{}
	for k, v := range a {
		vals[k] = cty.StringVal(v)
	}
	cfg := kindtest.Config(t, Schema, resources.Env{Root: root}, vals)
	return Kind().New(cfg)
}

func converge(t *testing.T, r resources.Resource) resources.Action {
	t.Helper()
	ctx := context.Background()
	st, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Plan(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != resources.NoOp {
		if err := r.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := r.Verify(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return c.Action
}

func TestLineIsAddedOnceAndRemoved(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "etc"), 0o755)
	motd := filepath.Join(root, "etc/motd")
	os.WriteFile(motd, []byte("Welcome\nno newline"), 0o600)
	add, err := bind(t, root, map[string]string{"line": "Managed by tend"})
	if err != nil {
		t.Fatal(err)
	}
	if a := converge(t, add); a != resources.Update {
		t.Fatalf("first run: %s, want update", a)
	}
	if a := converge(t, add); a != resources.NoOp {
		t.Fatalf("second run: %s, want no-op", a)
	}
	b, _ := os.ReadFile(motd)
	fi, _ := os.Stat(motd)
	if string(b) != "Welcome\nno newline\nManaged by tend\n" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("motd is %q, mode %v", b, fi.Mode().Perm())
	}
	del, _ := bind(t, root, map[string]string{"line": "Managed by tend", "ensure": "absent"})
	if a := converge(t, del); a != resources.Update {
		t.Fatalf("removing: %s, want update", a)
	}
	if b, _ := os.ReadFile(motd); string(b) != "Welcome\nno newline\n" {
		t.Fatalf("motd is %q", b)
	}
}

func TestAbsentLineOfAMissingFileIsConverged(t *testing.T) {
	del, _ := bind(t, t.TempDir(), map[string]string{"line": "x", "ensure": "absent"})
	if a := converge(t, del); a != resources.NoOp {
		t.Fatalf("%s, want no-op", a)
	}
}

func TestConfigErrorsNameTheAttribute(t *testing.T) {
	t.Setenv(FaultsEnv, "")
	for attr, a := range map[string]map[string]string{
		"line":   {"line": "two\nlines"},
		"path":   {"line": "x", "path": "etc/motd"},
		"ensure": {"line": "x", "ensure": "maybe"},
		"crash":  {"line": "x", "crash": "panic"},
	} {
		_, err := bind(t, "", a)
		var ae *resources.AttrError
		if !errors.As(err, &ae) || ae.Attr != attr {
			t.Errorf("%v: %v, want an error about %s", a, err, attr)
		}
	}
}
