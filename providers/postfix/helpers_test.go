package postfix

import (
	"context"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/zclconf/go-cty/cty"
)

// fixture is a throwaway root, with an empty /etc/postfix/main.cf, and a
// state directory for one test. Tests run the host's real postmap.
type fixture struct {
	t   *testing.T
	env resources.Env
}

type attrs map[string]cty.Value

func str(s string) cty.Value { return cty.StringVal(s) }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	needTool(t, "postmap")
	f := &fixture{t: t, env: resources.Env{Root: t.TempDir(), StateDir: t.TempDir()}}
	if err := os.MkdirAll(f.path("/etc/postfix"), 0755); err != nil {
		t.Fatal(err)
	}
	f.mainCf("")
	return f
}

// mainCf writes the root's main.cf dated in the past, as a live host's
// is: Postfix waits for a freshly modified config file to settle.
func (f *fixture) mainCf(content string) {
	f.t.Helper()
	f.write("/etc/postfix/main.cf", content, 0644)
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(f.path("/etc/postfix/main.cf"), past, past); err != nil {
		f.t.Fatal(err)
	}
}

// needTool skips when the host lacks Postfix's tools; `make deps`
// installs them.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := lookTool(name); err != nil {
		t.Skipf("%v (run make deps)", err)
	}
}

// needType skips when the host's Postfix lacks a map type (a plugin
// package such as postfix-cdb is missing).
func needType(t *testing.T, typ string) {
	t.Helper()
	dir := t.TempDir()
	if err := writeMainCf(filepath.Join(dir, "main.cf")); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("postconf", "-c", dir, "-m").Output()
	if err != nil {
		t.Fatalf("postconf -m: %v", err)
	}
	for _, m := range strings.Fields(string(out)) {
		if m == typ {
			return
		}
	}
	t.Skipf("this host's Postfix has no %s tables (install postfix-%s; run make deps)", typ, typ)
}

func (f *fixture) config(a attrs) *resources.Config {
	return kindtest.Config(f.t, Schema, f.env, a)
}

func (f *fixture) resource(a attrs) *postfixMap {
	f.t.Helper()
	r, err := Kind().New(f.config(a))
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return r.(*postfixMap)
}

func (f *fixture) plan(r resources.Resource) resources.Change {
	f.t.Helper()
	st, err := r.Read(context.Background())
	if err != nil {
		f.t.Fatalf("read: %v", err)
	}
	c, err := r.Plan(context.Background(), st)
	if err != nil {
		f.t.Fatalf("plan: %v", err)
	}
	return c
}

// converge plans, applies and verifies, returning the planned change.
func (f *fixture) converge(r resources.Resource) resources.Change {
	f.t.Helper()
	c := f.plan(r)
	if c.Action == resources.NoOp {
		return c
	}
	if err := r.Apply(context.Background(), c); err != nil {
		f.t.Fatalf("apply %s (%s): %v", c.Action, c.Reason, err)
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

func (f *fixture) wantAction(r resources.Resource, want resources.Action, reason string) {
	f.t.Helper()
	c := f.plan(r)
	if c.Action != want || !strings.Contains(c.Reason, reason) {
		f.t.Fatalf("plan: %s (%s), want %s with %q", c.Action, c.Reason, want, reason)
	}
}

func (f *fixture) path(p string) string { return f.env.Path(p) }

func (f *fixture) write(p, content string, mode os.FileMode) {
	f.t.Helper()
	if err := os.WriteFile(f.path(p), []byte(content), mode); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Chmod(f.path(p), mode); err != nil {
		f.t.Fatal(err)
	}
}

// lookup asks the real postmap (or postalias) for key in the live table,
// as Postfix itself would read it.
func (f *fixture) lookup(tool, typ, p, key string) (string, bool) {
	f.t.Helper()
	cmd := exec.Command(tool, "-c", f.path("/etc/postfix"), "-q", key, typ+":"+f.path(p))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if strings.Contains(stderr.String(), "fatal") {
		f.t.Fatalf("%s -q %s %s:%s: %s", tool, key, typ, p, stderr.String())
	}
	return strings.TrimSpace(string(out)), err == nil
}

func (f *fixture) wantValue(typ, p, key, want string) {
	f.t.Helper()
	got, ok := f.lookup("postmap", typ, p, key)
	if !ok || got != want {
		f.t.Fatalf("postmap -q %s %s:%s = %q (found %v), want %q", key, typ, p, got, ok, want)
	}
}

// inode identifies the file at p: a rename gives the path a new one.
func (f *fixture) inode(p string) uint64 {
	f.t.Helper()
	fi, err := os.Stat(f.path(p))
	if err != nil {
		f.t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// listDir names the entries of a directory under the root.
func (f *fixture) listDir(p string) []string {
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

// noTemporaries fails when a build left anything of its own beside the
// table.
func (f *fixture) noTemporaries(dir string) {
	f.t.Helper()
	for _, n := range f.listDir(dir) {
		if strings.HasPrefix(n, atomicfile.TempPrefix) {
			f.t.Fatalf("%s holds a leftover temporary %s", dir, n)
		}
	}
}

const transportV1 = "# relays\nexample.com smtp:[relay1.test]\nexample.org   local:\n"
const transportV2 = "example.com smtp:[relay2.test]\nexample.org local:\n"
