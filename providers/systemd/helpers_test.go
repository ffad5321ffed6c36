package systemd

import (
	"context"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

type attrs map[string]cty.Value

func str(s string) cty.Value { return cty.StringVal(s) }

// config builds what the loader would hand over: every schema attribute
// present, unset ones null.
func config(t testing.TB, env resources.Env, a attrs) *resources.Config {
	t.Helper()
	return kindtest.Config(t, Schema, env, a)
}

func bind(t testing.TB, env resources.Env, a attrs) *service {
	t.Helper()
	r, err := Kind().New(config(t, env, a))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r.(*service)
}

func plan(t testing.TB, r resources.Resource) resources.Change {
	t.Helper()
	c, err := tryPlan(r)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return c
}

func tryPlan(r resources.Resource) (resources.Change, error) {
	st, err := r.Read(context.Background())
	if err != nil {
		return resources.Change{}, err
	}
	return r.Plan(context.Background(), st)
}

// converge plans, applies and verifies as the engine does, and returns the
// planned change and the first error.
func converge(t testing.TB, r resources.Resource) (resources.Change, error) {
	t.Helper()
	c, err := tryPlan(r)
	if err != nil || c.Action == resources.NoOp || c.Action == resources.Refresh {
		return c, err
	}
	if err := r.Apply(context.Background(), c); err != nil {
		return c, err
	}
	return c, r.Verify(context.Background())
}

func mustConverge(t testing.TB, r resources.Resource) resources.Change {
	t.Helper()
	c, err := converge(t, r)
	if err != nil {
		t.Fatalf("converge (%s: %s): %v", c.Action, c.Reason, err)
	}
	return c
}

func wantAction(t testing.TB, c resources.Change, a resources.Action, reason string) {
	t.Helper()
	if c.Action != a || !strings.Contains(c.Reason, reason) {
		t.Fatalf("change %s (%q), want %s (%q)", c.Action, c.Reason, a, reason)
	}
}

func wantErr(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// unitFile is a long-running service with a reload that leaves a trace.
func unitFile(extra string) string {
	return "[Unit]\nDescription=tend test service\n\n[Service]\nExecStart=/bin/sleep infinity\n" + extra +
		"\n[Install]\nWantedBy=multi-user.target\n"
}
