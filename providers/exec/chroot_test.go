package exec_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/container"
)

// TestChrootedUnderSystemRoot: under a root that is a Debian system (a
// container's root file system, not booted), the command and its guards
// run chrooted into it: they see its files at their paths inside, its
// programs, the working directory at its path inside, and no TEND_ROOT;
// nothing they write lands on this machine.
func TestChrootedUnderSystemRoot(t *testing.T) {
	c := container.New(t, container.Options{})
	root := c.Root()
	env := resources.Env{Root: root}
	inside := "/var/tmp/tend-chroot-" + filepath.Base(root)
	t.Cleanup(func() { os.Remove(inside) })
	r := newExec(t, config(t, attrs{
		"command": `printf '%s|%s|%s' "$(cat /etc/debian_version)" "$(pwd)" "${TEND_ROOT-unset}" > ` + inside,
		"cwd":     "/etc",
		"unless":  "test -e " + inside,
		"onlyif":  "test -x /usr/bin/dpkg",
	}, env))
	if _, err := converge(t, r); err != nil {
		t.Fatal(err)
	}
	version, err := os.ReadFile(filepath.Join(root, "etc/debian_version"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, inside))
	if err != nil {
		t.Fatalf("the command did not write inside the root: %v", err)
	}
	if want := strings.TrimSpace(string(version)) + "|/etc|unset"; string(got) != want {
		t.Errorf("the command saw %q, want %q", got, want)
	}
	if _, err := os.Stat(inside); err == nil {
		t.Errorf("the command wrote %s on this machine", inside)
	}
	// The unless guard now finds the file inside the root.
	if ch := plan(t, r); ch.Action != resources.NoOp {
		t.Errorf("second plan: %+v, want no-op: the guard ran outside the root", ch)
	}
}
