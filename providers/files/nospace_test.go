package files

import (
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestFullFileSystemNamesManagedPath fills a 64 KiB tmpfs mounted at
// /etc/postfix under the root: the error names the managed path and the
// cause, never a temporary file, and the old content stays.
func TestFullFileSystemNamesManagedPath(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/etc/postfix", 0755)
	if err := syscall.Mount("tmpfs", f.path("/etc/postfix"), "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(f.path("/etc/postfix"), syscall.MNT_DETACH) })
	f.write("/etc/postfix/main.cf", "old\n", 0644)
	big := strings.Repeat("x", 1<<20)
	err := f.apply(f.resource(attrs{"path": str("/etc/postfix/main.cf"), "content": str(big), "backup": cty.False}))
	want := "/etc/postfix/main.cf: no space left on device (writing the new content; the old file is unchanged)"
	if err == nil || err.Error() != want || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v\nwant %s", err, want)
	}
	if got := f.read("/etc/postfix/main.cf"); got != "old\n" {
		t.Fatalf("old content now %q", got)
	}
	if names := f.entries("/etc/postfix"); len(names) != 1 {
		t.Fatalf("/etc/postfix holds %v", names)
	}
}
