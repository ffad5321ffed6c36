package motd

import (
	"os"
	"syscall"
	"time"

	"github.com/tendhq/tend/resources"
)

// FaultsEnv must be "1" for the crash attribute to be honoured. It is for
// tend's own tests of how a misbehaving provider is contained.
const FaultsEnv = "TEND_TEST_FAULTS"

func crashMode(cfg *resources.Config) (string, error) {
	mode := cfg.String("crash", "")
	switch {
	case mode == "":
		return "", nil
	case os.Getenv(FaultsEnv) != "1":
		return "", resources.AttrErrorf("crash", "crash is for tend's own tests and needs %s=1 in the environment", FaultsEnv)
	case mode != "panic" && mode != "exit" && mode != "hang":
		return "", resources.AttrErrorf("crash", `crash must be "panic", "exit" or "hang"`)
	}
	return mode, nil
}

// misbehave does what crash asks. The message for exit goes straight to
// file descriptor 2: the plugin server has redirected os.Stderr into a
// stream that an exiting process may not flush.
func misbehave(mode string) {
	switch mode {
	case "panic":
		panic("motd_line: crashing on purpose (crash = \"panic\")")
	case "exit":
		_, _ = syscall.Write(2, []byte("motd_line: exiting on purpose (crash = \"exit\")\n"))
		os.Exit(3)
	case "hang":
		for {
			time.Sleep(time.Hour)
		}
	}
}
