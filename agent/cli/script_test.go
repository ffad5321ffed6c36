package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/tendhq/tend/agent/cli"
)

// TestMain makes the test binary double as the tend command (and as
// "exits", which runs tend and checks its exit code), so scripts run the
// real CLI in real subprocesses. They run as tend's supervised child does,
// without the supervisor (one process start less per command); prefixed
// with "supervised", they run as the tend binary does, under its
// supervisor, which re-executes the test binary as "tend".
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tend":       func() { os.Exit(cli.RunChild(os.Args[1:])) },
		"exits":      func() { os.Exit(exits(os.Args[1:], cli.RunChild)) },
		"supervised": supervised,
		"stopped-late": func() {
			code := cli.RunChild(os.Args[1:])
			// What systemd and the supervisor both send when a unit stops,
			// arriving after the command stopped handling it.
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
			time.Sleep(200 * time.Millisecond)
			os.Exit(code)
		},
	})
}

// supervised exits CODE TEND-ARGS... and supervised tend TEND-ARGS... run
// tend under its supervisor.
func supervised() {
	run := func(args []string) int { return cli.Run("tend", args) }
	switch {
	case len(os.Args) > 1 && os.Args[1] == "exits":
		os.Exit(exits(os.Args[2:], run))
	case len(os.Args) > 1 && os.Args[1] == "tend":
		os.Exit(run(os.Args[2:]))
	}
	fmt.Fprintln(os.Stderr, "usage: supervised exits CODE TEND-ARGS... | supervised tend TEND-ARGS...")
	os.Exit(2)
}

// exits CODE ARGS... runs tend ARGS and fails unless it exits with CODE.
func exits(args []string, run func([]string) int) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: exits CODE TEND-ARGS...")
		return 2
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "exits: CODE must be a number")
		return 2
	}
	got := run(args[1:])
	if got != want {
		fmt.Fprintf(os.Stderr, "exits: tend exited %d, want %d\n", got, want)
		return 1
	}
	return 0
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
