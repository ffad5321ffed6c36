package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestProviderScripts runs tend with the example external provider, built
// from providers/example into each script's plugin directory, and with its
// built-in providers as subprocesses. The noprocs command fails when any
// process started by the script (whose environment names its $WORK) is
// still alive.
func TestProviderScripts(t *testing.T) {
	motd := buildMotd(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/providers",
		Setup: func(env *testscript.Env) error {
			env.Setenv("ROOT", env.WorkDir+"/root")
			env.Setenv("STATE", env.WorkDir+"/state")
			env.Setenv("MOTD_PROVIDER", motd)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"noprocs": noProcs,
		},
	})
}

func buildMotd(t *testing.T) string {
	t.Helper()
	// go test puts its own go first in PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tend-provider-motd")
	cmd := exec.Command(goTool, "build", "-o", out, "../../providers/example/cmd/tend-provider-motd")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the example provider: %v\n%s", err, b)
	}
	return out
}

// noProcs checks that no process of this script is left: every process
// tend starts inherits the script's environment, $WORK included, or (an
// exec's command) has TEND_ROOT under $WORK.
func noProcs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 0 {
		ts.Fatalf("usage: noprocs")
	}
	marker := []byte("\x00WORK=" + ts.Getenv("WORK") + "\x00")
	rooted := []byte("\x00TEND_ROOT=" + ts.Getenv("WORK") + "/")
	entries, err := os.ReadDir("/proc")
	ts.Check(err)
	var left []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		env = append([]byte{0}, append(env, 0)...)
		if err != nil || !(bytes.Contains(env, marker) || bytes.Contains(env, rooted)) || zombie(pid) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		left = append(left, fmt.Sprintf("%d (%s)", pid, strings.ReplaceAll(string(cmdline), "\x00", " ")))
	}
	if len(left) > 0 {
		ts.Fatalf("processes left behind: %s", strings.Join(left, ", "))
	}
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] == "Z"
}
