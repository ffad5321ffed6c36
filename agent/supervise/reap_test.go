package supervise

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSweepKillsWhatEscaped starts a shell that leaves a sleep in a
// session of its own and exits: the sleep is re-parented to this
// (subreaper) process, and Sweep kills and reaps it.
func TestSweepKillsWhatEscaped(t *testing.T) {
	if err := BecomeReaper(); err != nil {
		t.Skipf("no child subreaper here: %v", err)
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	sh := exec.Command("/bin/sh", "-c", "setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $! > "+pidFile)
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(10 * time.Second)
	for ppid(pid) != os.Getpid() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // setsid may still be forking
	}
	if n := Sweep(); n < 1 {
		t.Fatalf("Sweep killed %d processes", n)
	}
	if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
		t.Fatalf("the escaped sleep %d is still there: %v", pid, err)
	}
	if n := Sweep(); n != 0 {
		t.Fatalf("a second Sweep killed %d processes", n)
	}
}

func TestJudge(t *testing.T) {
	run := func(script string) *os.ProcessState {
		cmd := exec.Command("/bin/sh", "-c", script)
		_ = cmd.Run()
		return cmd.ProcessState
	}
	for _, c := range []struct {
		name    string
		said    *int
		script  string
		crashed bool
		how     string
	}{
		{"said and exited so", ptr(2), "exit 2", false, ""},
		{"exited 2 without saying", nil, "exit 2", true, "exited 2 without finishing"},
		{"exited 0 without saying", nil, "exit 0", true, "exited 0 without finishing"},
		{"said 0, exited 2", ptr(0), "exit 2", true, "exited 2 after announcing 0"},
		{"said, then killed", ptr(0), "kill -9 $$", true, "was killed by signal 9"},
	} {
		out := Outcome{Crashed: c.said == nil}
		if c.said != nil {
			out.Code = *c.said
		}
		judge(&out, run(c.script))
		if out.Crashed != c.crashed || !strings.HasPrefix(out.How, c.how) {
			t.Errorf("%s: crashed %v (%s)", c.name, out.Crashed, out.How)
		}
	}
}

func ptr(i int) *int { return &i }
