package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/tendhq/tend/agent/cli"
)

// TestMain makes the test binary double as the tend command (and as
// "exits", which runs tend and checks its exit code), so scripts run the
// real CLI in real subprocesses.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tend":  func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
		"exits": exits,
	})
}

// exits CODE ARGS... runs tend ARGS and fails unless it exits with CODE.
func exits() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: exits CODE TEND-ARGS...")
		os.Exit(2)
	}
	want, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "exits: CODE must be a number")
		os.Exit(2)
	}
	got := cli.Main(os.Args[2:], os.Stdout, os.Stderr)
	if got != want {
		fmt.Fprintf(os.Stderr, "exits: tend exited %d, want %d\n", got, want)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("ROOT", env.WorkDir+"/root")
			env.Setenv("STATE", env.WorkDir+"/state")
			example, err := filepath.Abs("../../testfixtures/example")
			env.Setenv("EXAMPLE", example)
			return err
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			case "short":
				return testing.Short(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}
