package runlock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// File is the lock file's name in the state directory.
const File = "run.lock"

// ExitLocked is the exit code of a run that did nothing because another
// run held the lock. Like the disabled code (3) it is odd, outside the
// detailed exit codes' bits, so no apply outcome is mistaken for it.
const ExitLocked = 5

// HeldError says another run holds the lock.
type HeldError struct {
	Path string
	// PID and Since describe the holder; zero when it had not written
	// them yet.
	PID   int
	Since time.Time
}

func (e *HeldError) Error() string {
	if e.PID == 0 {
		return "another tend run holds " + e.Path
	}
	return fmt.Sprintf("another tend run holds %s: pid %d, since %s (%s ago)", e.Path, e.PID,
		e.Since.Local().Format(time.RFC3339), time.Since(e.Since).Truncate(time.Second))
}

// Lock is a held run lock.
type Lock struct {
	f *os.File
}

// Acquire takes the lock in stateDir without waiting; a *HeldError says
// who holds it.
func Acquire(stateDir string) (*Lock, error) {
	path := filepath.Join(stateDir, File)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("run lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, holder(path)
		}
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}
	if err := record(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Wait takes the lock, waiting up to d for the holder to finish; the
// error after d is the last *HeldError.
func Wait(ctx context.Context, stateDir string, d time.Duration) (*Lock, error) {
	deadline := time.Now().Add(d)
	for {
		l, err := Acquire(stateDir)
		var held *HeldError
		if err == nil || !errors.As(err, &held) || !time.Now().Before(deadline) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(min(100*time.Millisecond, time.Until(deadline))):
		}
	}
}

// Release empties the file (no holder) and drops the lock. The file
// stays: removing it would let two runs lock two different files.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Truncate(0)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// record writes "pid since" into the locked file.
func record(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	line := fmt.Sprintf("%d %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339Nano))
	_, err := f.WriteAt([]byte(line), 0)
	return err
}

// holder reads who holds the lock. The holder writes right after it
// locks, so an empty file is retried briefly.
func holder(path string) *HeldError {
	e := &HeldError{Path: path}
	for range 10 {
		data, _ := os.ReadFile(path)
		f := strings.Fields(string(data))
		if len(f) == 2 {
			e.PID, _ = strconv.Atoi(f[0])
			e.Since, _ = time.Parse(time.RFC3339Nano, f[1])
			return e
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e
}
