package accounts

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

type attrs map[string]cty.Value

func str(s string) cty.Value { return cty.StringVal(s) }

func num(n int) cty.Value { return cty.NumberIntVal(int64(n)) }

func list(s ...string) cty.Value {
	if len(s) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	var vs []cty.Value
	for _, e := range s {
		vs = append(vs, cty.StringVal(e))
	}
	return cty.ListVal(vs)
}

// scratchRoot is a minimal root the shadow utilities accept: the four
// account files and a login.defs with Debian's id ranges.
func scratchRoot(t *testing.T) resources.Env {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"/etc/passwd":     "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
		"/etc/group":      "root:x:0:\nmail:x:8:\nnogroup:x:65534:\n",
		"/etc/shadow":     "root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n",
		"/etc/gshadow":    "root:*::\nmail:*::\nnogroup:*::\n",
		"/etc/login.defs": "SYS_UID_MIN 100\nSYS_UID_MAX 999\nUID_MIN 1000\nUID_MAX 60000\nSYS_GID_MIN 100\nSYS_GID_MAX 999\nGID_MIN 1000\nGID_MAX 60000\n",
	}
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.Contains(p, "shadow") {
			mode = 0o640
		}
		if err := os.WriteFile(full, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return resources.Env{Root: root, StateDir: t.TempDir()}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the shadow utilities need root, even with --prefix")
	}
}

// config builds what the loader would hand over.
func config(t *testing.T, s resources.Schema, env resources.Env, a attrs) *resources.Config {
	t.Helper()
	return kindtest.Config(t, s, env, a)
}

func newUser(t *testing.T, env resources.Env, a attrs) resources.Resource {
	t.Helper()
	r, err := UserKind().New(config(t, UserSchema, env, a))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func newGroup(t *testing.T, env resources.Env, a attrs) resources.Resource {
	t.Helper()
	r, err := GroupKind().New(config(t, GroupSchema, env, a))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func plan(t *testing.T, r resources.Resource) resources.Change {
	t.Helper()
	st, err := r.Read(context.Background())
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	c, err := r.Plan(context.Background(), st)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return c
}

// converge plans, applies and verifies, failing the test on any error,
// and checks that a second plan has nothing left to do.
func converge(t *testing.T, r resources.Resource) resources.Change {
	t.Helper()
	c, err := tryConverge(r)
	if err != nil {
		t.Fatalf("%s: %v", c.Action, err)
	}
	if again := plan(t, r); again.Action != resources.NoOp {
		t.Fatalf("second plan: %+v", again)
	}
	return c
}

func tryConverge(r resources.Resource) (resources.Change, error) {
	ctx := context.Background()
	st, err := r.Read(ctx)
	if err != nil {
		return resources.Change{}, err
	}
	c, err := r.Plan(ctx, st)
	if err != nil || c.Action == resources.NoOp {
		return c, err
	}
	if err := r.Apply(ctx, c); err != nil {
		return c, err
	}
	return c, r.Verify(ctx)
}

func wantAction(t *testing.T, c resources.Change, a resources.Action, reason string) {
	t.Helper()
	if c.Action != a || !strings.Contains(c.Reason, reason) {
		t.Fatalf("change %s (%q), want %s (%q)", c.Action, c.Reason, a, reason)
	}
}

// line returns the entry for name in one of the root's account files.
func line(t *testing.T, env resources.Env, file, name string) string {
	t.Helper()
	b, err := os.ReadFile(env.Path(file))
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.Lines(string(b)) {
		if strings.HasPrefix(l, name+":") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// edit rewrites one of the root's files with a function of its content,
// standing in for a change made behind tend's back.
func edit(t *testing.T, env resources.Env, file string, f func(string) string) {
	t.Helper()
	b, err := os.ReadFile(env.Path(file))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(env.Path(file), []byte(f(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}
