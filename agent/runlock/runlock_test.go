package runlock

import (
	"bufio"
	"bytes"
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
		l, err := Acquire(dir, "tend test")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("locked")
		d, _ := time.ParseDuration(os.Getenv("TEND_RUNLOCK_FOR"))
		time.Sleep(d)
		if err := l.Finish(); err != nil {
			os.Exit(1)
		}
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
	_, err := Acquire(dir, "tend apply")
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("Acquire while held = %v, want a HeldError", err)
	}
	if held.Holder.PID != holder.Process.Pid {
		t.Errorf("holder pid %d, want %d", held.Holder.PID, holder.Process.Pid)
	}
	if held.Holder.Since.Before(before.Add(-time.Second)) || held.Holder.Since.After(time.Now()) {
		t.Errorf("holder since %s, started after %s", held.Holder.Since, before)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprintf("pid %d (tend test), since ", holder.Process.Pid)) {
		t.Errorf("message %q does not name the holder", msg)
	}
}

func TestKilledHolderLeavesNoStaleLock(t *testing.T) {
	dir := t.TempDir()
	holder := holdIn(t, dir, time.Hour)
	if _, err := Acquire(dir, "tend apply"); err == nil {
		t.Fatal("lock taken while held")
	}
	if err := holder.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()
	st, err := Peek(dir)
	if err != nil || !st.Unfinished() || st.Last.PID != holder.Process.Pid {
		t.Fatalf("after kill -9 of the holder, Peek = %+v, %v; want its unfinished run", st, err)
	}
	l, err := Acquire(dir, "tend apply")
	if err != nil {
		t.Fatalf("after kill -9 of the holder: %v", err)
	}
	data, _ := os.ReadFile(dir + "/" + File)
	if !strings.Contains(string(data), fmt.Sprintf(`"pid":%d,`, os.Getpid())) {
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
	if _, err := Wait(t.Context(), dir, Holder{PID: os.Getpid(), Command: "tend apply"}, 50*time.Millisecond); err == nil {
		t.Fatal("Wait(50ms) got a lock held for 500ms")
	}
	l, err := Wait(t.Context(), dir, Holder{PID: os.Getpid(), Command: "tend apply"}, 10*time.Second)
	if err != nil {
		t.Fatalf("Wait(10s): %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("waited %s", took)
	}
	l.Release()
	l, err = Acquire(dir, "tend apply")
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l.Release()
}

// A run marks itself before anything else: Peek sees it running while it
// holds the lock, finished after Finish, and unfinished when it released
// the lock without finishing (its report could not be written).
func TestPeekFollowsTheRun(t *testing.T) {
	dir := t.TempDir()
	if st, err := Peek(dir); err != nil || st.Last != nil {
		t.Fatalf("Peek before any run = %+v, %v", st, err)
	}
	h := holdIn(t, dir, time.Hour)
	st, err := Peek(dir)
	if err != nil || !st.Running || st.Unfinished() || st.Last.Command != "tend test" || st.Last.PID != h.Process.Pid {
		t.Fatalf("Peek while another process holds the lock = %+v, %v", st, err)
	}
	_ = h.Process.Kill()
	_ = h.Wait()
	l, err := Acquire(dir, "tend apply")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(); err != nil {
		t.Fatal(err)
	}
	l.Release()
	if st, err = Peek(dir); err != nil || st.Running || st.Unfinished() || st.Last.Finished.IsZero() {
		t.Fatalf("Peek after Finish = %+v, %v", st, err)
	}
	l, err = Acquire(dir, "tend agent")
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	if st, err = Peek(dir); err != nil || !st.Unfinished() || st.Last.Command != "tend agent" {
		t.Fatalf("Peek after a release without Finish = %+v, %v", st, err)
	}
	if fi, err := os.Stat(dir + "/" + File); err != nil || fi.Size() != recordSize {
		t.Errorf("lock file size %v, %v; want %d", fi.Size(), err, recordSize)
	}
}

// A damaged lock file is rewritten by the next run; a directory in its
// place is moved aside; Peek names the damage until then.
func TestDamagedLockFile(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/" + File
	if err := os.WriteFile(path, bytes.Repeat([]byte{0}, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Peek(dir); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Peek of a zeroed lock file = %v, want an error naming it", err)
	}
	l, err := Acquire(dir, "tend apply")
	if err != nil {
		t.Fatalf("Acquire over a zeroed lock file: %v", err)
	}
	l.Finish()
	l.Release()
	if st, err := Peek(dir); err != nil || st.Last == nil {
		t.Errorf("after a run: %+v, %v", st, err)
	}
	os.Remove(path)
	if err := os.MkdirAll(path+"/x", 0o700); err != nil {
		t.Fatal(err)
	}
	l, err = Acquire(dir, "tend apply")
	if err != nil {
		t.Fatalf("Acquire over a directory: %v", err)
	}
	l.Release()
}
