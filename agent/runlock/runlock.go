package runlock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
)

// File is the lock file's name in the state directory.
const File = "run.lock"

// ExitLocked is the exit code of a run that did nothing because another
// run held the lock. Like the disabled code (3) it is odd, outside the
// detailed exit codes' bits, so no apply outcome is mistaken for it.
const ExitLocked = 5

// recordSize is the lock file's fixed size: the record, padded with
// spaces, and a newline. Rewriting it in place needs no new disk space.
const recordSize = 512

// Record is what the lock file says about the run holding the lock, or
// the last one that held it.
type Record struct {
	// PID is the process an administrator sees running: tend's
	// supervisor when the run is a supervised child (systemd's MainPID),
	// else the run itself.
	PID int `json:"pid"`
	// Command is what runs, e.g. "tend apply".
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
	// Finished is set once the run recorded its result or had nothing to
	// record; zero while it runs, and forever when it never got there.
	Finished time.Time `json:"finished,omitzero"`
}

// String is "pid N, COMMAND, since T".
func (r Record) String() string {
	return fmt.Sprintf("pid %d, %s, since %s", r.PID, r.Command, r.Since.UTC().Format(time.RFC3339))
}

// HeldError says another run holds the lock.
type HeldError struct {
	Path string
	// Holder describes the holder; its PID is zero when it had not
	// written its record yet.
	Holder Record
}

func (e *HeldError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return "another tend run holds " + e.Path
	}
	return fmt.Sprintf("another tend run holds %s: pid %d (%s), since %s (%s ago)", e.Path, h.PID, h.Command,
		h.Since.Local().Format(time.RFC3339), time.Since(h.Since).Truncate(time.Second))
}

// Lock is a held run lock.
type Lock struct {
	f   *os.File
	rec Record
}

// Holder is who takes the lock: the pid to record (see Record.PID) and
// the command.
type Holder struct {
	PID     int
	Command string
}

// Acquire takes the lock in stateDir without waiting and marks the run
// as started by command in this process; a *HeldError says who holds it.
func Acquire(stateDir, command string) (*Lock, error) {
	return AcquireAs(stateDir, Holder{PID: os.Getpid(), Command: command})
}

// AcquireAs is Acquire recording who as the holder. A directory where
// the lock file belongs is moved aside (it cannot be anyone's lock).
func AcquireAs(stateDir string, who Holder) (*Lock, error) {
	path := filepath.Join(stateDir, File)
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, holder(path)
		}
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}
	l := &Lock{f: f, rec: Record{PID: who.PID, Command: who.Command, Since: time.Now().UTC()}}
	if err := l.write(); err != nil {
		f.Close()
		return nil, fmt.Errorf("run lock %s: marking the run as started: %w (the state directory must be writable)", path, err)
	}
	return l, nil
}

func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o600)
	if errors.Is(err, syscall.EISDIR) {
		if _, rerr := atomicfile.MoveAside(path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return nil, fmt.Errorf("run lock %s is a directory and cannot be moved aside (%v): remove it", path, rerr)
		}
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("run lock: %w (the state directory must be writable)", err)
	}
	return f, nil
}

// Wait takes the lock, waiting up to d for the holder to finish; the
// error after d is the last *HeldError.
func Wait(ctx context.Context, stateDir string, who Holder, d time.Duration) (*Lock, error) {
	deadline := time.Now().Add(d)
	for {
		l, err := AcquireAs(stateDir, who)
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

// Finish marks the run as finished: its result is recorded, or it had
// nothing to record. A run released without Finish stays, for Peek, a
// run that started and never finished.
func (l *Lock) Finish() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.rec.Finished = time.Now().UTC()
	return l.write()
}

// Release drops the lock. The file stays: removing it would let two runs
// lock two different files, and it keeps the last run's record.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// write replaces the file's record in place, padded to recordSize, and
// syncs it: the marker must outlive a crash of the machine too.
func (l *Lock) write() error {
	b, err := json.Marshal(l.rec)
	if err != nil {
		return err
	}
	if len(b) >= recordSize {
		return fmt.Errorf("record of %d bytes does not fit in %d", len(b), recordSize)
	}
	buf := bytes.Repeat([]byte{' '}, recordSize)
	copy(buf, b)
	buf[recordSize-1] = '\n'
	if _, err := l.f.WriteAt(buf, 0); err != nil {
		return err
	}
	if fi, err := l.f.Stat(); err == nil && fi.Size() != recordSize {
		if err := l.f.Truncate(recordSize); err != nil {
			return err
		}
	}
	return l.f.Sync()
}

// holder reads who holds the lock. The holder writes right after it
// locks, so a record that is not a running one is retried briefly.
func holder(path string) *HeldError {
	e := &HeldError{Path: path}
	for range 10 {
		if r, err := readRecord(path); err == nil && r != nil && r.Finished.IsZero() && r.PID != 0 {
			e.Holder = *r
			return e
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e
}

// readRecord parses the lock file; (nil, nil) when it holds no record.
func readRecord(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil || r.PID <= 0 || r.Since.IsZero() {
		return nil, fmt.Errorf("%s is damaged (%d bytes that are not a run record); the next run rewrites it", path, len(data))
	}
	return &r, nil
}
