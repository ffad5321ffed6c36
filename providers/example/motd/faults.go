package motd

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
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
	case mode != "panic" && mode != "exit" && mode != "hang" && mode != "flood" && mode != "setsid":
		return "", resources.AttrErrorf("crash", `crash must be "panic", "exit", "hang", "flood" or "setsid"`)
	}
	return mode, nil
}

// floodSize is how long an error "flood" returns.
const floodSize = 50 << 20

// misbehave does what crash asks, quoting the line as a careless
// provider might: tend must redact it when the line is sensitive. The
// message for exit goes straight to file descriptor 2: the plugin server
// has redirected os.Stderr into a stream that an exiting process may not
// flush. "flood" fails with a 50 MB error; "setsid" leaves a process in a
// session of its own holding the provider's stdout and stderr, its pid in
// pidFile, and goes on; "hang" writes its own pid to pidFile, so a test
// knows the apply has begun, and never returns.
func misbehave(mode, line, pidFile string) error {
	switch mode {
	case "flood":
		return fmt.Errorf("motd_line: flooding on purpose: %s", strings.Repeat("x", floodSize))
	case "setsid":
		return leaveSleeper(pidFile)
	case "panic":
		panic(fmt.Sprintf("motd_line: crashing on purpose (crash = \"panic\") with line %q", line))
	case "exit":
		_, _ = syscall.Write(2, []byte(fmt.Sprintf("motd_line: exiting on purpose (crash = \"exit\") with line %q\n", line)))
		os.Exit(3)
	case "hang":
		_ = os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
		for {
			time.Sleep(time.Hour)
		}
	}
	return nil
}

// leaveSleeper starts a sleep that escaped the provider's process group
// and holds its pipes, as a careless provider's daemon would.
func leaveSleeper(pidFile string) error {
	cmd := exec.Command("sleep", "600")
	cmd.Stdout, cmd.Stderr = os.NewFile(1, "stdout"), os.NewFile(2, "stderr")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
}
