package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpenDirRefusesSymlinkedParents(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc/real"), 0755)
	// A link that stays inside the root is refused all the same.
	os.Symlink("real", filepath.Join(root, "etc/app"))
	os.WriteFile(filepath.Join(root, "etc/file"), nil, 0644)
	for dir, want := range map[string]string{
		"/etc/app":       "parent directory /etc/app is a symlink; refusing to write through it",
		"/etc/app/sub":   "parent directory /etc/app is a symlink; refusing to write through it",
		"/etc/missing/x": "parent directory /etc/missing does not exist",
		"/etc/file/x":    "parent /etc/file is not a directory",
	} {
		d, err := OpenDir(root, dir)
		var pe *ParentError
		if err == nil || !errors.As(err, &pe) || err.Error() != want {
			t.Errorf("OpenDir(%s): %v, want %q", dir, err, want)
		}
		if d != nil {
			d.Close()
		}
	}
	d, err := OpenDir(root, "/etc/real")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := d.Name("f"); got != "/etc/real/f" {
		t.Fatalf("errors name %s, want the managed path /etc/real/f", got)
	}
}

func TestStageThenCommitOrAbort(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDir(dir, "/")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, err := d.Stage("f", []byte("new"), Options{Mode: 0644})
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Base(s.Path())
	if !strings.HasPrefix(tmp, TempPrefix) || !strings.HasSuffix(tmp, ".f") {
		t.Fatalf("temporary name %q, want %s...f", tmp, TempPrefix)
	}
	s.Abort()
	if _, err := os.Lstat(filepath.Join(dir, "f")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("an aborted stage created the target")
	}
	onlyFile(t, dir, "") // nothing at all
}

func TestSweepRemovesOnlyTemporaryFilesAndLinks(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "keep")
	os.WriteFile(secret, []byte("outside"), 0644)
	mk := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(mk(TempPrefix+"1.main.cf"), []byte("x"), 0600)
	os.Symlink(secret, mk(TempPrefix+"2.link"))
	os.Mkdir(mk(TempPrefix+"3.dir"), 0755)
	os.WriteFile(mk("main.cf"), []byte("x"), 0644)
	os.WriteFile(mk(".main.cf.tend-old"), []byte("x"), 0644)
	os.Mkdir(mk("sub"), 0755)
	os.WriteFile(mk("sub/"+TempPrefix+"4.x"), []byte("x"), 0600)
	n, err := SweepTree(dir, true)
	if err != nil || n != 3 {
		t.Fatalf("swept %d (%v), want 3", n, err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != ".main.cf.tend-old .tend-tmp-3.dir main.cf sub" {
		t.Fatalf("left %v", names)
	}
	if b, err := os.ReadFile(secret); err != nil || string(b) != "outside" {
		t.Fatal("the sweep followed a symlink")
	}
}

func TestSweepRemovesStagingDirectoriesWithoutFollowing(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	keep := filepath.Join(outside, "keep")
	os.WriteFile(keep, []byte("outside"), 0644)
	stage := filepath.Join(dir, StagingPrefix+"postfix-123")
	os.MkdirAll(filepath.Join(stage, "sub"), 0700)
	os.WriteFile(filepath.Join(stage, "main.cf"), []byte("x"), 0600)
	os.Symlink(outside, filepath.Join(stage, "master.cf"))
	os.Symlink(outside, filepath.Join(stage, "sub", "out"))
	os.Symlink(outside, filepath.Join(dir, StagingPrefix+"link-to-dir"))
	n, err := SweepTree(dir, false)
	if err != nil || n != 2 {
		t.Fatalf("swept %d (%v), want 2 (the staging directory and the link)", n, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left %d entries", len(ents))
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "outside" {
		t.Fatal("the sweep followed a symlink out of the staging directory")
	}
}

func TestZeroOwnerLeavesOwnership(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the directory another group")
	}
	dir := t.TempDir()
	os.Chown(dir, -1, 4343)
	os.Chmod(dir, 0755|os.ModeSetgid)
	p := filepath.Join(dir, "f")
	if err := WriteFile(p, []byte("x"), Options{Mode: 0644}); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if gid := fi.Sys().(*syscall.Stat_t).Gid; gid != 4343 {
		t.Fatalf("group %d, want the directory's 4343: the zero Owner changed it", gid)
	}
}

// TestFullFileSystemNamesTarget fills a 64 KiB tmpfs: the error names the
// file being replaced and the cause, the old content stays, and no
// temporary file is left.
func TestFullFileSystemNamesTarget(t *testing.T) {
	dir := smallFS(t)
	p := filepath.Join(dir, "main.cf")
	if err := os.WriteFile(p, []byte("old\n"), 0644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(p, bytes.Repeat([]byte("x"), 1<<20), Options{Mode: 0644})
	want := p + ": no space left on device (writing the new content; the old file is unchanged)"
	if err == nil || err.Error() != want || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v\nwant %s", err, want)
	}
	if b, _ := os.ReadFile(p); string(b) != "old\n" {
		t.Fatalf("old content now %q", b)
	}
	onlyFile(t, dir, "main.cf")
	err = WriteFile(filepath.Join(dir, "new.cf"), bytes.Repeat([]byte("x"), 1<<20), Options{})
	if err == nil || !strings.HasSuffix(err.Error(), "(writing the new content; nothing was created)") {
		t.Fatalf("error %v, want one saying nothing was created", err)
	}
	onlyFile(t, dir, "main.cf")
}

// smallFS mounts a 64 KiB tmpfs for the test, or skips it when mounting
// is not allowed here.
func smallFS(t *testing.T) string {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// TestReadOnlyFileSystemNamesTarget: on a read-only file system the error
// names the file being replaced, the cause and the step.
func TestReadOnlyFileSystemNamesTarget(t *testing.T) {
	dir := smallFS(t)
	p := filepath.Join(dir, "main.cf")
	if err := os.WriteFile(p, []byte("old\n"), 0644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	err := WriteFile(p, []byte("new\n"), Options{Mode: 0644})
	want := p + ": read-only file system (creating the new content beside it; the old file is unchanged)"
	if err == nil || err.Error() != want || !errors.Is(err, syscall.EROFS) {
		t.Fatalf("error %v\nwant %s", err, want)
	}
}
