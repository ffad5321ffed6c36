package files

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

func TestLinkCreateAndRetarget(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/localtime"), "ensure": str("link"), "target": str("/usr/share/zoneinfo/UTC")})
	wantAction(t, f.converge(r), resources.Create, "link does not exist")
	if got, _ := os.Readlink(f.path("/etc/localtime")); got != "/usr/share/zoneinfo/UTC" {
		t.Fatalf("target %q", got)
	}
	wantAction(t, f.plan(r), resources.NoOp, "")

	r = f.resource(attrs{"path": str("/etc/localtime"), "ensure": str("link"), "target": str("../zone")})
	c := f.converge(r)
	wantAction(t, c, resources.Update, "target differs")
	if c.Attrs[0].Old != "/usr/share/zoneinfo/UTC" || c.Attrs[0].New != "../zone" {
		t.Fatalf("attrs %+v", c.Attrs)
	}
	if got, _ := os.Readlink(f.path("/etc/localtime")); got != "../zone" {
		t.Fatalf("target %q", got)
	}
	if names := f.entries("/etc"); !slices.Equal(names, []string{"localtime"}) {
		t.Fatalf("/etc holds %v", names)
	}
}

func TestLinkReplacesFileWithBackup(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/resolv.conf", "nameserver 1.1.1.1\n", 0644)
	r := f.resource(attrs{"path": str("/etc/resolv.conf"), "ensure": str("link"), "target": str("/run/resolv.conf")})
	wantAction(t, f.converge(r), resources.Update, "is a file, want link")
	if fi := f.lstat("/etc/resolv.conf"); fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("not a link")
	}
	if len(f.backups("/etc/resolv.conf")) != 1 {
		t.Fatal("replaced file was not backed up")
	}
}

func TestDirectoryCreate(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/conf.d"), "ensure": str("directory"), "mode": str("0750")})
	c := f.converge(r)
	wantAction(t, c, resources.Create, "directory does not exist")
	if fi := f.lstat("/etc/conf.d"); !fi.IsDir() || fi.Mode().Perm() != 0750 {
		t.Fatalf("mode %v", fi.Mode())
	}
	wantAction(t, f.plan(r), resources.NoOp, "")
	// A file inside now has an existing parent.
	f.converge(f.resource(attrs{"path": str("/etc/conf.d/a.conf"), "content": str("a")}))

	plain := f.resource(attrs{"path": str("/etc/plain"), "ensure": str("directory")})
	f.converge(plain)
	if fi := f.lstat("/etc/plain"); fi.Mode().Perm() != defaultDirMode {
		t.Fatalf("default mode %v", fi.Mode())
	}
}

func TestAbsent(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/old.conf", "old", 0644)
	f.write("/etc/target", "keep", 0644)
	if err := os.Symlink("target", f.path("/etc/link")); err != nil {
		t.Fatal(err)
	}
	f.mkdir("/etc/empty", 0755)
	for _, p := range []string{"/etc/old.conf", "/etc/link", "/etc/empty"} {
		c := f.converge(f.resource(attrs{"path": str(p), "ensure": str("absent")}))
		wantAction(t, c, resources.Delete, "exists")
		if f.exists(p) {
			t.Fatalf("%s still exists", p)
		}
	}
	if f.read("/etc/target") != "keep" {
		t.Fatal("removing a link touched its target")
	}
	if b := f.backups("/etc/old.conf"); len(b) != 1 {
		t.Fatalf("deleted file backups %v", b)
	}
	wantAction(t, f.plan(f.resource(attrs{"path": str("/etc/old.conf"), "ensure": str("absent")})), resources.NoOp, "")
}

func TestNonEmptyDirectoryNeedsForce(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/etc/full", 0755)
	f.write("/etc/full/x", "x", 0644)
	r := f.resource(attrs{"path": str("/etc/full"), "ensure": str("absent")})
	_, err := f.tryPlan(r)
	wantErr(t, err, "/etc/full is a non-empty directory; set force = true")
	if !f.exists("/etc/full/x") {
		t.Fatal("directory was touched")
	}
	forced := f.resource(attrs{"path": str("/etc/full"), "ensure": str("absent"), "force": cty.True})
	f.converge(forced)
	if f.exists("/etc/full") {
		t.Fatal("forced removal left the directory")
	}
}

func TestReplacingDirectoryNeedsForce(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/etc/d", 0755)
	f.write("/etc/d/x", "x", 0644)
	_, err := f.tryPlan(f.resource(attrs{"path": str("/etc/d"), "content": str("file")}))
	wantErr(t, err, "/etc/d is a directory, want file; set force = true")
	_, err = f.tryPlan(f.resource(attrs{"path": str("/etc/d"), "ensure": str("link"), "target": str("/x")}))
	wantErr(t, err, "is a directory, want link")

	// A rejected file keeps the directory, even with force.
	bad := f.resource(attrs{"path": str("/etc/d"), "content": str("file"), "force": cty.True, "validate_cmd": str("false %")})
	wantErr(t, f.apply(bad), "validate_cmd failed")
	if !f.exists("/etc/d/x") {
		t.Fatal("directory removed although the new file was rejected")
	}
	good := f.resource(attrs{"path": str("/etc/d"), "content": str("file"), "force": cty.True})
	wantAction(t, f.converge(good), resources.Update, "is a directory, want file")
	if f.read("/etc/d") != "file" {
		t.Fatal("file not written")
	}
	f.mkdir("/etc/d2/sub", 0755)
	link := f.resource(attrs{"path": str("/etc/d2"), "ensure": str("link"), "target": str("/x"), "force": cty.True})
	f.converge(link)
}

func TestFileBecomesDirectory(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/was-file", "content", 0644)
	f.converge(f.resource(attrs{"path": str("/etc/was-file"), "ensure": str("directory")}))
	if !f.lstat("/etc/was-file").IsDir() {
		t.Fatal("not a directory")
	}
	if len(f.backups("/etc/was-file")) != 1 {
		t.Fatal("replaced file not backed up")
	}
}

func TestBackupsUnderStateDirWithRetention(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/etc/postfix", 0755)
	p := "/etc/postfix/main.cf"
	f.write(p, "v0\n", 0644)
	for i := 1; i <= 8; i++ {
		f.converge(f.resource(attrs{"path": str(p), "content": str("v" + string(rune('0'+i)) + "\n")}))
	}
	if names := f.entries("/etc/postfix"); !slices.Equal(names, []string{"main.cf"}) {
		t.Fatalf("beside the file: %v", names)
	}
	names := f.backups(p)
	if len(names) != backupsKept {
		t.Fatalf("%d backups kept, want %d: %v", len(names), backupsKept, names)
	}
	dir := filepath.Join(f.env.StateDir, "backups", p)
	newest := filepath.Join(dir, names[len(names)-1])
	if b, _ := os.ReadFile(newest); string(b) != "v7\n" {
		t.Fatalf("newest backup holds %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, names[0])); string(b) != "v3\n" {
		t.Fatalf("oldest kept backup holds %q", b)
	}
	fi, _ := os.Stat(newest)
	if fi.Mode() != 0600 {
		t.Fatalf("backup mode %v", fi.Mode())
	}
	if uid, gid := owner(fi); os.Geteuid() == 0 && (uid != 0 || gid != 0) {
		t.Fatalf("backup owner %d:%d", uid, gid)
	}
}

func TestNoBackupWhenDisabled(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/f", "old", 0644)
	f.converge(f.resource(attrs{"path": str("/etc/f"), "content": str("new"), "backup": cty.False}))
	if b := f.backups("/etc/f"); len(b) != 0 {
		t.Fatalf("backups %v", b)
	}
}

// TestSecretsAreNeverBackedUp: replacing sensitive content, or a file
// that holds a private key, leaves no copy of either in the state
// directory.
func TestSecretsAreNeverBackedUp(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/secret", "password = old-secret\n", 0600)
	f.converge(f.resource(attrs{"path": str("/etc/secret"), "content": str("password = new-secret\n")}, "content"))
	f.write("/etc/key.pem", "-----BEGIN PRIVATE KEY-----\nold\n-----END PRIVATE KEY-----\n", 0600)
	f.converge(f.resource(attrs{"path": str("/etc/key.pem"), "content": str("not a key any more\n")}))
	for _, p := range []string{"/etc/secret", "/etc/key.pem"} {
		if b := f.backups(p); len(b) != 0 {
			t.Fatalf("%s backed up: %v", p, b)
		}
	}
	// plain content still is
	f.write("/etc/plain", "old\n", 0644)
	f.converge(f.resource(attrs{"path": str("/etc/plain"), "content": str("new\n")}))
	if b := f.backups("/etc/plain"); len(b) != 1 {
		t.Fatalf("plain file backups %v, want 1", b)
	}
}

func TestVerifyNamesWhatDiffers(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/f"), "content": str("x"), "mode": str("0600")})
	f.converge(r)
	if err := os.Chmod(f.path("/etc/f"), 0644); err != nil {
		t.Fatal(err)
	}
	wantErr(t, r.Verify(context.Background()), `mode "0644", want "0600"`)
}
