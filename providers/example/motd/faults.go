package motd

import (
	"fmt"
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

// misbehave does what crash asks, quoting the line as a careless
// provider might: tend must redact it when the line is sensitive. The
// message for exit goes straight to file descriptor 2: the plugin server
// has redirected os.Stderr into a stream that an exiting process may not
// flush.
func misbehave(mode, line string) {
	switch mode {
	case "panic":
		panic(fmt.Sprintf("motd_line: crashing on purpose (crash = \"panic\") with line %q", line))
	case "exit":
		_, _ = syscall.Write(2, []byte(fmt.Sprintf("motd_line: exiting on purpose (crash = \"exit\") with line %q\n", line)))
		os.Exit(3)
	case "hang":
		for {
			time.Sleep(time.Hour)
		}
	}
}
