package runlock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be a lock holder: with TEND_RUNLOCK_HOLD
// set to a state directory it takes the lock, says "locked" and holds it
// for TEND_RUNLOCK_FOR (or until killed).
func TestMain(m *testing.M) {
	if dir := os.Getenv("TEND_RUNLOCK_HOLD"); dir != "" {
		l, err := Acquire(dir)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("locked")
		d, _ := time.ParseDuration(os.Getenv("TEND_RUNLOCK_FOR"))
		time.Sleep(d)
		if err := l.Release(); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdIn starts a holder process and returns once it holds the lock.
func holdIn(t *testing.T, dir string, d time.Duration) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TEND_RUNLOCK_HOLD="+dir, "TEND_RUNLOCK_FOR="+d.String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("holder said %q", line)
	}
	return cmd
}

func TestSecondRunNamesTheHolder(t *testing.T) {
	dir := t.TempDir()
	before := time.Now()
	holder := holdIn(t, dir, time.Hour)
	_, err := Acquire(dir)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("Acquire while held = %v, want a HeldError", err)
	}
	if held.PID != holder.Process.Pid {
		t.Errorf("holder pid %d, want %d", held.PID, holder.Process.Pid)
	}
	if held.Since.Before(before.Add(-time.Second)) || held.Since.After(time.Now()) {
		t.Errorf("holder since %s, started after %s", held.Since, before)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprintf("pid %d, since ", holder.Process.Pid)) {
		t.Errorf("message %q does not name the holder", msg)
	}
}

func TestKilledHolderLeavesNoStaleLock(t *testing.T) {
	dir := t.TempDir()
	holder := holdIn(t, dir, time.Hour)
	if _, err := Acquire(dir); err == nil {
		t.Fatal("lock taken while held")
	}
	if err := holder.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatalf("after kill -9 of the holder: %v", err)
	}
	data, _ := os.ReadFile(dir + "/" + File)
	if !strings.HasPrefix(string(data), fmt.Sprintf("%d ", os.Getpid())) {
		t.Errorf("lock file says %q, want this process", data)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestWait(t *testing.T) {
	dir := t.TempDir()
	holdIn(t, dir, 500*time.Millisecond)
	start := time.Now()
	if _, err := Wait(t.Context(), dir, 50*time.Millisecond); err == nil {
		t.Fatal("Wait(50ms) got a lock held for 500ms")
	}
	l, err := Wait(t.Context(), dir, 10*time.Second)
	if err != nil {
		t.Fatalf("Wait(10s): %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("waited %s", took)
	}
	l.Release()
	l, err = Acquire(dir)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l.Release()
}
