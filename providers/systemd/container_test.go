package systemd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/container"
	"github.com/zclconf/go-cty/cty"
)

// buildStatic builds a static binary with the go command (a test binary
// with "test -c"), to run inside a container whose C library is older
// than the host's.
func buildStatic(t *testing.T, out string, args ...string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary run inside the container")
	}
	bin := filepath.Join(t.TempDir(), out)
	cmd := exec.Command(goCmd, append(args[:1:1], append([]string{"-o", bin}, args[1:]...)...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return bin
}

// TestInContainer runs the TestInside tests against the systemd of a
// booted Debian 11 container.
func TestInContainer(t *testing.T) {
	if os.Getenv(insideEnv) != "" {
		t.Skip("already inside")
	}
	c := container.New(t, container.Options{})
	bin := buildStatic(t, "systemd.test", "test", "-c", ".")
	c.Boot(t)
	c.CopyIn(t, bin, "/usr/local/bin/systemd.test")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	out, stderr, err := c.Exec(ctx, "env", insideEnv+"=1", "/usr/local/bin/systemd.test",
		"-test.run", "^TestInside", "-test.v", "-test.count=1")
	t.Logf("inside the container:\n%s%s", out, stderr)
	if err != nil {
		t.Fatal(err)
	}
	ran := regexp.MustCompile(`(?m)^--- PASS: TestInside`).FindAllString(out, -1)
	if strings.Contains(out, "--- SKIP") || len(ran) < 10 {
		t.Fatalf("%d TestInside tests passed, some were skipped or missing", len(ran))
	}
}

// TestOfflineThenBoot enables a unit in a tree that has never booted, then
// boots it: the start deferred to boot happens.
func TestOfflineThenBoot(t *testing.T) {
	if os.Getenv(insideEnv) != "" {
		t.Skip("already inside")
	}
	c := container.New(t, container.Options{})
	env := resources.Env{Root: c.Root()}
	writeFile(t, env.Path("/etc/systemd/system/tend-boot.service"), unitFile(""))
	r := bind(t, env, attrs{"name": str("tend-boot"), "ensure": str("running"), "enable": cty.True})
	wantAction(t, mustConverge(t, r), resources.Update, "starting is deferred to boot")
	wantAction(t, plan(t, r), resources.NoOp, "starting is deferred to boot")
	c.Boot(t)
	if got := strings.TrimSpace(c.Run(t, "systemctl", "is-active", "tend-boot")); got != "active" {
		t.Fatalf("after boot tend-boot is %s\n%s", got, c.Journal(t, "tend-boot"))
	}
}
