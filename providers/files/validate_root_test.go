package files

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
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
