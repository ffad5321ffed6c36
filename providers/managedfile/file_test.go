package managedfile

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

func scratch(t *testing.T) resources.Env {
	env := resources.Env{Root: t.TempDir()}
	writeFile(t, env, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
	writeFile(t, env, "/etc/group", "root:x:0:\n")
	return env
}

func plan(t *testing.T, f *File, prefix string) ([]resources.AttrChange, []string) {
	t.Helper()
	o, err := f.Observe()
	if err != nil {
		t.Fatal(err)
	}
	return f.Diff(prefix, f.Facts(prefix, o))
}

func TestFileConverges(t *testing.T) {
	env := scratch(t)
	f := New(env, Spec{Path: "/etc//app.conf", Content: []byte("a=1\n"), Mode: 0o640})
	attrs, why := plan(t, f, "conf_")
	if fmt.Sprint(why) != "[/etc/app.conf does not exist]" || len(attrs) != 2 || attrs[0].Name != "conf_sha256" || attrs[1].New != "0640" {
		t.Fatalf("new file: %v %+v", why, attrs)
	}
	if err := Install(f); err != nil {
		t.Fatal(err)
	}
	if attrs, why := plan(t, f, "conf_"); attrs != nil || why != nil {
		t.Fatalf("after install: %v %+v", why, attrs)
	}
	if fi, _ := os.Stat(env.Path("/etc/app.conf")); fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if fmt.Sprint(f.Identities(), f.Order()) != "[file:/etc/app.conf] [after file:/etc]" {
		t.Fatalf("identities and order: %v %v", f.Identities(), f.Order())
	}
}

// A zero owner, group and mode leave the replaced file's alone.
func TestZeroSpecLeavesOwnershipAlone(t *testing.T) {
	env := scratch(t)
	writeFile(t, env, "/etc/app.conf", "old\n")
	if err := os.Chmod(env.Path("/etc/app.conf"), 0o604); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(env.Path("/etc/app.conf"), 4242, 4343); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := os.Lstat(env.Path("/etc/app.conf"))
	f := New(env, Spec{Path: "/etc/app.conf", Content: []byte("new\n")})
	attrs, why := plan(t, f, "")
	if len(attrs) != 1 || fmt.Sprint(why) != "[/etc/app.conf content differs]" {
		t.Fatalf("plan %v %+v", why, attrs)
	}
	if err := Install(f); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Lstat(env.Path("/etc/app.conf"))
	bu, bg := ownerOf(before)
	au, ag := ownerOf(after)
	if after.Mode() != before.Mode() || au != bu || ag != bg {
		t.Fatalf("mode %v owner %d:%d, want %v %d:%d kept", after.Mode(), au, ag, before.Mode(), bu, bg)
	}
}

// A commit that fails puts back the files already installed, and the
// error says so.
func TestInstallIsAllOrNothing(t *testing.T) {
	env := scratch(t)
	writeFile(t, env, "/etc/a", "old a\n")
	if err := os.Chmod(env.Path("/etc/a"), 0o640); err != nil {
		t.Fatal(err)
	}
	a := New(env, Spec{Path: "/etc/a", Content: []byte("new a\n"), Mode: 0o644})
	b := New(env, Spec{Path: "/etc/b", Content: []byte("new b\n"), Mode: 0o644})
	c := New(env, Spec{Path: "/etc/c", Content: []byte("new c\n"), Mode: 0o644})
	n := 0
	commit = func(s *atomicfile.Staged) error {
		if n++; n == 3 {
			s.Abort()
			return errors.New("/etc/c: no space left on device")
		}
		return s.Commit()
	}
	t.Cleanup(func() { commit = func(s *atomicfile.Staged) error { return s.Commit() } })
	err := Install(a, b, c)
	if err == nil || !strings.Contains(err.Error(), "no space left") || !strings.Contains(err.Error(), "put back") {
		t.Fatalf("error %v", err)
	}
	if got, _ := os.ReadFile(env.Path("/etc/a")); string(got) != "old a\n" {
		t.Errorf("/etc/a holds %q after the undo", got)
	}
	if fi, _ := os.Stat(env.Path("/etc/a")); fi.Mode().Perm() != 0o640 {
		t.Errorf("/etc/a has mode %v after the undo, want its old 0640", fi.Mode().Perm())
	}
	for _, p := range []string{"/etc/b", "/etc/c"} {
		if _, err := os.Lstat(env.Path(p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after the undo (%v)", p, err)
		}
	}
	entries, _ := os.ReadDir(env.Path("/etc"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestContentDiffShowsTheLines(t *testing.T) {
	env := scratch(t)
	writeFile(t, env, "/etc/app.conf", "a=1\nb=2\n")
	d, err := New(env, Spec{Path: "/etc/app.conf", Content: []byte("a=1\nb=3\n")}).ContentDiff()
	if err != nil || d == nil || len(d.Hunks) != 1 {
		t.Fatalf("diff %+v, %v", d, err)
	}
	var text []string
	for _, l := range d.Hunks[0].Lines {
		text = append(text, l.Text)
	}
	if got := strings.Join(text, "|"); !strings.Contains(got, "b=2") || !strings.Contains(got, "b=3") {
		t.Fatalf("lines %s", got)
	}
	secret, _ := New(env, Spec{Path: "/etc/app.conf", Content: []byte("a=1\nb=hunter2\n"), Sensitive: true}).ContentDiff()
	for _, h := range secret.Hunks {
		for _, l := range h.Lines {
			if strings.Contains(l.Text, "hunter2") || strings.Contains(l.Text, "b=2") {
				t.Fatalf("a sensitive diff shows %q", l.Text)
			}
		}
	}
	if same, err := New(env, Spec{Path: "/etc/app.conf", Content: []byte("a=1\nb=2\n")}).ContentDiff(); same != nil || err != nil {
		t.Fatalf("equal content: %+v, %v", same, err)
	}
}

func TestSensitiveContentIsMasked(t *testing.T) {
	env := scratch(t)
	writeFile(t, env, "/etc/key", "old secret\n")
	f := New(env, Spec{Path: "/etc/key", Content: []byte("new secret\n"), Sensitive: true})
	attrs, _ := plan(t, f, "key_")
	if len(attrs) != 1 || attrs[0].Old != resources.Masked || attrs[0].New != resources.Masked {
		t.Fatalf("attrs %+v", attrs)
	}
}

// Nothing is read or written through a symlinked parent, and the error
// names the managed path.
func TestSymlinkedParentIsRefused(t *testing.T) {
	env := scratch(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, env.Path("/etc/apt")); err != nil {
		t.Fatal(err)
	}
	f := New(env, Spec{Path: "/etc/apt/x.sources", Content: []byte("x")})
	if _, err := f.Observe(); err == nil || !strings.Contains(err.Error(), "/etc/apt") {
		t.Fatalf("observe: %v", err)
	}
	if err := Install(f); err == nil {
		t.Fatal("installed through a symlinked parent")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("wrote outside the root: %v", entries)
	}
}

func TestMissingParentIsPlannedAndRefused(t *testing.T) {
	env := scratch(t)
	f := New(env, Spec{Path: "/etc/apt/keyrings/x.asc", Content: []byte("k")})
	_, paths, err := f.Missing()
	if err != nil || len(paths) != 1 || paths[0].Outermost != "/etc/apt" {
		t.Fatalf("missing %+v, %v", paths, err)
	}
	if err := Install(f); err == nil || !strings.Contains(err.Error(), "parent directory /etc/apt does not exist") {
		t.Fatalf("install: %v", err)
	}
	if err := f.Remove(); err != nil {
		t.Fatalf("removing under a missing directory: %v", err)
	}
}
