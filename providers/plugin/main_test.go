package plugin

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for tend: run as
// `tend providers serve NAME` it serves builtin()[NAME], as tend serves a
// built-in provider; run with orphanEnv set it starts the motd
// provider, prints its pid and waits to be killed.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "providers" && os.Args[2] == "serve" {
		Serve(Local(builtin()[os.Args[3]]...))
		os.Exit(0)
	}
	if path := os.Getenv(orphanEnv); path != "" {
		startAndWait(path)
	}
	code := m.Run()
	if motdDir != "" {
		os.RemoveAll(motdDir)
	}
	os.Exit(code)
}

var (
	motdOnce sync.Once
	motdDir  string
	motdErr  error
)

// motdBinary builds the example provider, the real executable, once.
func motdBinary(t *testing.T) string {
	t.Helper()
	motdOnce.Do(func() {
		if motdDir, motdErr = os.MkdirTemp("", "tend-plugin-test-"); motdErr != nil {
			return
		}
		// go test puts its own go first in PATH.
		goTool, err := exec.LookPath("go")
		if err != nil {
			motdErr = err
			return
		}
		out := filepath.Join(motdDir, ExecPrefix+"motd")
		cmd := exec.Command(goTool, "build", "-o", out, "../example/cmd/tend-provider-motd")
		if b, err := cmd.CombinedOutput(); err != nil {
			motdErr = fmt.Errorf("building the motd provider: %v\n%s", err, b)
		}
	})
	if motdErr != nil {
		t.Fatal(motdErr)
	}
	return filepath.Join(motdDir, ExecPrefix+"motd")
}

// motdCommand is the Command that runs a copy of the motd provider with
// its true checksum.
func motdCommand(t *testing.T) Command {
	t.Helper()
	path := motdBinary(t)
	sum, err := FileSum(path)
	if err != nil {
		t.Fatal(err)
	}
	return Command{Name: "motd", Path: path, Args: []string{ExecPrefix + "motd"}, Sum: sum}
}

// markRun tags every process the test starts from here on with an
// environment variable, for running to find.
func markRun(t *testing.T) string {
	marker := fmt.Sprintf("TEND_TEST_RUN=%s-%d", t.Name(), time.Now().UnixNano())
	k, v, _ := strings.Cut(marker, "=")
	t.Setenv(k, v)
	return marker
}

// running lists the live processes (zombies aside) whose environment
// holds marker.
func running(t *testing.T, marker string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(append(env, 0), []byte(marker+"\x00")) {
			continue
		}
		if !zombie(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // gone
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] == "Z"
}

// noneLeft fails the test when a process of this run is still there.
func noneLeft(t *testing.T, marker string) {
	t.Helper()
	if pids := running(t, marker); len(pids) > 0 {
		t.Fatalf("processes left behind: %v", pids)
	}
}

const orphanEnv = "TEND_TEST_ORPHAN_PARENT"

// startAndWait is the orphan test's parent: it starts the provider at
// path, tells its pid and waits for the test to kill it with SIGKILL.
func startAndWait(path string) {
	sum, err := FileSum(path)
	if err == nil {
		var p *Process
		if p, err = Start(Command{Name: "motd", Path: path, Args: []string{ExecPrefix + "motd"}, Sum: sum}, Deadlines{}); err == nil {
			fmt.Println(p.Pid())
			_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
			os.Exit(0)
		}
	}
	fmt.Println("error:", err)
	os.Exit(1)
}
