package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A staging directory is new, private, made and filled through handles:
// a symlink planted inside it is never followed.
func TestStagingDirectoryThroughHandles(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc/app"), 0o755)
	parent, err := OpenDir(root, "/etc")
	if err != nil {
		t.Fatal(err)
	}
	defer parent.Close()
	stage, name, err := parent.MkdirTemp(StagingPrefix + "app-")
	if err != nil {
		t.Fatal(err)
	}
	defer stage.Close()
	host := filepath.Join(root, "etc", name)
	if fi, err := os.Lstat(host); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 || !strings.HasPrefix(name, StagingPrefix+"app-") || stage.HostPath() != host {
		t.Fatalf("staging directory %s (%s): %v %v", name, stage.HostPath(), fi, err)
	}
	sub, err := stage.MakeDirs("conf.d/x", 0o700)
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.WriteFile("a.conf", []byte("a\n"), Options{Mode: 0o600}); err != nil {
		t.Fatal(err)
	}
	sub.Close()
	if b, err := os.ReadFile(filepath.Join(host, "conf.d/x/a.conf")); err != nil || string(b) != "a\n" {
		t.Fatalf("member: %q %v", b, err)
	}
	// MakeDirs left stage open.
	if err := stage.Symlink("/etc/app/c.conf", "c.conf"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.Readlink(filepath.Join(host, "c.conf")); got != "/etc/app/c.conf" {
		t.Fatalf("link to %q", got)
	}
	os.Symlink(outside, filepath.Join(host, "planted"))
	if _, err := stage.MakeDirs("planted/y", 0o700); err == nil || !strings.Contains(err.Error(), "is a symlink") {
		t.Fatalf("MakeDirs through a planted symlink: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("written outside: %v", entries)
	}
	if err := parent.RemoveAll(name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(outside); err != nil {
		t.Fatal("RemoveAll followed the planted link")
	}
}
