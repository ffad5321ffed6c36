package files

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

// fixture is a throwaway root and state directory for one test.
type fixture struct {
	t   testing.TB
	env resources.Env
}

type attrs map[string]cty.Value

func str(s string) cty.Value { return cty.StringVal(s) }

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, env: resources.Env{Root: t.TempDir(), StateDir: t.TempDir()}}
	f.mkdir("/etc", 0755)
	return f
}

// config builds what the loader would hand over: every schema attribute
// present, unset ones null.
func (f *fixture) config(a attrs, sensitive ...string) *resources.Config {
	cfg := kindtest.Config(f.t, Schema, f.env, a)
	for _, s := range sensitive {
		cfg.Sensitive[s] = true
	}
	return cfg
}

func (f *fixture) resource(a attrs, sensitive ...string) resources.Resource {
	f.t.Helper()
	r, err := Kind().New(f.config(a, sensitive...))
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return r
}

func (f *fixture) plan(r resources.Resource) resources.Change {
	f.t.Helper()
	c, err := f.tryPlan(r)
	if err != nil {
		f.t.Fatalf("plan: %v", err)
	}
	return c
}

func (f *fixture) tryPlan(r resources.Resource) (resources.Change, error) {
	st, err := r.Read(context.Background())
	if err != nil {
		return resources.Change{}, err
	}
	return r.Plan(context.Background(), st)
}

// converge plans, applies and verifies, returning the planned change.
func (f *fixture) converge(r resources.Resource) resources.Change {
	f.t.Helper()
	c := f.plan(r)
	if c.Action == resources.NoOp {
		return c
	}
	if err := r.Apply(context.Background(), c); err != nil {
		f.t.Fatalf("apply %s: %v", c.Action, err)
	}
	if err := r.Verify(context.Background()); err != nil {
		f.t.Fatalf("verify: %v", err)
	}
	return c
}

// apply plans and applies, returning Apply's error.
func (f *fixture) apply(r resources.Resource) error {
	f.t.Helper()
	return r.Apply(context.Background(), f.plan(r))
}

func (f *fixture) path(p string) string { return f.env.Path(p) }

func (f *fixture) mkdir(p string, mode fs.FileMode) {
	f.t.Helper()
	if err := os.MkdirAll(f.path(p), mode); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) write(p, content string, mode fs.FileMode) {
	f.t.Helper()
	if err := os.WriteFile(f.path(p), []byte(content), mode); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Chmod(f.path(p), mode); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) read(p string) string {
	f.t.Helper()
	b, err := os.ReadFile(f.path(p))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *fixture) lstat(p string) fs.FileInfo {
	f.t.Helper()
	fi, err := os.Lstat(f.path(p))
	if err != nil {
		f.t.Fatal(err)
	}
	return fi
}

func (f *fixture) exists(p string) bool {
	_, err := os.Lstat(f.path(p))
	return err == nil
}

// entries lists a directory under the root, to catch strays beside a file.
func (f *fixture) entries(p string) []string {
	f.t.Helper()
	ents, err := os.ReadDir(f.path(p))
	if err != nil {
		f.t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func (f *fixture) backups(p string) []string {
	f.t.Helper()
	d, err := atomicfile.OpenDir(f.env.StateDir, filepath.Join("/backups", p))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		f.t.Fatal(err)
	}
	defer d.Close()
	names, err := listBackups(d)
	if err != nil {
		f.t.Fatal(err)
	}
	return names
}

func owner(fi fs.FileInfo) (int, int) {
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

func wantAction(t *testing.T, c resources.Change, a resources.Action, reason string) {
	t.Helper()
	if c.Action != a || !strings.Contains(c.Reason, reason) {
		t.Fatalf("change %s (%q), want %s (%q)", c.Action, c.Reason, a, reason)
	}
}

func wantErr(t *testing.T, err error, part string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), part) {
		t.Fatalf("error %v, want one containing %q", err, part)
	}
}

func isRoot() bool { return os.Geteuid() == 0 }

func needRoot(t *testing.T) {
	if !isRoot() {
		t.Skip("changing ownership to other users needs root")
	}
}
