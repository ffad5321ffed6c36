package atomicfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func keep() Options { return Options{} }

// onlyFile fails unless dir holds exactly the named entry: no temporary
// file may survive a write, whatever its outcome.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if name == "" && len(ents) == 0 {
		return
	}
	if len(ents) != 1 || ents[0].Name() != name {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only %s", names, name)
	}
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, content := range []string{"one\n", "two\n", ""} {
		opts := keep()
		opts.Mode = 0644
		if err := WriteFile(p, []byte(content), opts); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("content %q, %v; want %q", got, err, content)
		}
	}
	onlyFile(t, dir, "f")
}

func TestValidateFailureLeavesOriginal(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	orig := []byte("original\x00bytes\n")
	if err := os.WriteFile(p, orig, 0640); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(p)
	boom := errors.New("invalid config")
	opts := keep()
	opts.Validate = func(tmp string) error {
		got, err := os.ReadFile(tmp)
		if err != nil || string(got) != "new" {
			t.Errorf("validator saw %q, %v", got, err)
		}
		return boom
	}
	if err := WriteFile(p, []byte("new"), opts); err != boom {
		t.Fatalf("error %v, want the validator's own", err)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, orig) {
		t.Fatalf("original changed to %q", got)
	}
	after, _ := os.Stat(p)
	if !os.SameFile(before, after) || after.Mode() != before.Mode() {
		t.Fatal("original file was replaced or its mode changed")
	}
	onlyFile(t, dir, "f")
}

func TestModeAndOwnerAppliedBeforeRename(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key")
	uid, gid := -1, -1
	if os.Geteuid() == 0 {
		uid, gid = 4242, 4343
	}
	var seen fs.FileMode
	opts := Options{Mode: 0640 | fs.ModeSetgid, Owner: OwnedBy(uid, gid)}
	opts.Validate = func(tmp string) error {
		fi, err := os.Stat(tmp)
		if err != nil {
			return err
		}
		seen = fi.Mode()
		checkOwner(t, fi, uid, gid)
		return nil
	}
	if err := WriteFile(p, []byte("secret"), opts); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if seen != opts.Mode || fi.Mode() != opts.Mode {
		t.Fatalf("mode at validate %v, final %v; want %v", seen, fi.Mode(), opts.Mode)
	}
	checkOwner(t, fi, uid, gid)
	onlyFile(t, dir, "key")
}

func checkOwner(t *testing.T, fi fs.FileInfo, uid, gid int) {
	t.Helper()
	st := fi.Sys().(*syscall.Stat_t)
	if uid != -1 && (int(st.Uid) != uid || int(st.Gid) != gid) {
		t.Fatalf("owner %d:%d, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
}

func TestZeroModeStaysPrivate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	opts := keep()
	opts.Validate = func(tmp string) error {
		fi, err := os.Stat(tmp)
		if err == nil && fi.Mode().Perm() != 0600 {
			t.Errorf("temporary file mode %v, want 0600", fi.Mode())
		}
		return err
	}
	if err := WriteFile(p, []byte("x"), opts); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0600 {
		t.Fatalf("mode %v, want 0600", fi.Mode())
	}
}

func TestReplacesSymlinkWithoutFollowing(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other, []byte("keep"), 0644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "link")
	if err := os.Symlink(other, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new"), keep()); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(other); string(got) != "keep" {
		t.Fatalf("symlink target written through: %q", got)
	}
	if fi, _ := os.Lstat(p); !fi.Mode().IsRegular() {
		t.Fatalf("path is %v, want a regular file", fi.Mode())
	}
}

func TestErrorsRemoveTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "d")
	if err := os.Mkdir(target, 0755); err != nil {
		t.Fatal(err)
	}
	// Renaming a file over a directory fails after everything else worked.
	if err := WriteFile(target, []byte("x"), keep()); err == nil {
		t.Fatal("replacing a directory succeeded")
	}
	onlyFile(t, dir, "d")
	if err := WriteFile(filepath.Join(dir, "missing", "f"), nil, keep()); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}

func TestLongNames(t *testing.T) {
	dir := t.TempDir()
	name := string(bytes.Repeat([]byte("n"), 250))
	if err := WriteFile(filepath.Join(dir, name), []byte("x"), keep()); err != nil {
		t.Fatal(err)
	}
	onlyFile(t, dir, name)
}
