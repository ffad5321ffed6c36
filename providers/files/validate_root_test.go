package files

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/tendhq/tend/resources/atomicfile"
)

// withShell makes the fixture's root a system of its own: this machine's
// dash as /bin/sh, with the libraries it loads (found by ldd).
func withShell(t *testing.T, f *fixture) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("chroot needs root")
	}
	out, err := exec.Command("ldd", "/bin/dash").Output()
	if err != nil {
		t.Skipf("ldd /bin/dash: %v", err)
	}
	files := []string{"/bin/dash"}
	for _, m := range regexp.MustCompile(`(/\S+) \(0x`).FindAllStringSubmatch(string(out), -1) {
		files = append(files, m[1])
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(f.env.Root, p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("dash", filepath.Join(f.env.Root, "bin/sh")); err != nil {
		t.Fatal(err)
	}
}

// Under a --root that is a system of its own, validate_cmd runs chrooted
// into it and sees the candidate at its path there: a checker reads the
// root's files (here /etc/only-here, which this machine does not have),
// for a file and for a file group alike.
func TestValidatorRunsInTheRoot(t *testing.T) {
	f := newFixture(t)
	withShell(t, f)
	f.write("/etc/only-here", "", 0o644)
	if _, err := os.Stat("/etc/only-here"); err == nil {
		t.Skip("this machine has /etc/only-here")
	}
	check := `[ -e /etc/only-here ] && case % in /etc/.tend-tmp-*) read l < % && [ "$l" = good ];; *) false;; esac`
	bad := f.resource(attrs{"path": str("/etc/app.conf"), "content": str("bad\n"), "validate_cmd": str(check)})
	wantErr(t, f.apply(bad), "validate_cmd failed")
	good := f.resource(attrs{"path": str("/etc/app.conf"), "content": str("good\n"), "validate_cmd": str(check)})
	f.converge(good)
	if got := f.read("/etc/app.conf"); got != "good\n" {
		t.Fatalf("content %q", got)
	}
}

// A file group's staging directory, checked chrooted into a root that is
// a system of its own: the live entries that are not members are linked
// by relative paths, which resolve inside the root as well as here, and
// tend's own temporary files in the group's directory are not linked.
func TestGroupStagingResolvesInTheRoot(t *testing.T) {
	f := newFixture(t)
	withShell(t, f)
	f.mkdir("/etc/app", 0o755)
	f.mkdir("/etc/app/sub", 0o755)
	f.write("/etc/app/sub/other", "linked\n", 0o644)
	f.write("/etc/app/top", "top\n", 0o644)
	f.write("/etc/app/"+atomicfile.TempPrefix+"1.main.conf", "in flight\n", 0o600)
	parent, err := atomicfile.OpenDir(f.env.Root, "/etc")
	if err != nil {
		t.Fatal(err)
	}
	defer parent.Close()
	stage, name, err := parent.MkdirTemp(atomicfile.StagingPrefix + "app-")
	if err != nil {
		t.Fatal(err)
	}
	defer parent.RemoveAll(name)
	defer stage.Close()
	if err := mirror(f.env.Root, "/etc/app", stage, map[string][]byte{"sub/main.conf": []byte("good\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(stage.HostPath(), atomicfile.TempPrefix+"1.main.conf")); err == nil {
		t.Error("a temporary file of tend's is linked into the staging directory")
	}
	check := `read l < %/sub/other && [ "$l" = linked ] && read l < %/top && [ "$l" = top ] && read l < %/sub/main.conf && [ "$l" = good ]`
	if err := runValidator(context.Background(), f.env.Root, check, stage.HostPath(), ""); err != nil {
		t.Fatalf("the staging directory does not resolve inside the root: %v", err)
	}
}
