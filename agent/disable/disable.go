package disable

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
)

// File is the disable state's name in the state directory.
const File = "disabled.json"

// ExitDisabled is the exit code of a run that did nothing because the
// agent is disabled. It is outside Puppet's detailed exit codes (0, 1, 2,
// 4, 6) and their combinations, so no apply outcome is mistaken for it.
const ExitDisabled = 3

// State says who disabled the agent, why and for how long.
type State struct {
	Who    string    `json:"who"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
	// Until is when the disable lifts by itself; zero means never.
	Until time.Time `json:"until,omitzero"`
}

// Expired says whether the disable has lifted by itself at now.
func (s State) Expired(now time.Time) bool {
	return !s.Until.IsZero() && !now.Before(s.Until)
}

// String is one line for logs and messages: who, why, since and until.
func (s State) String() string {
	b := fmt.Sprintf("disabled by %s since %s: %s", s.Who, s.Since.UTC().Format(time.RFC3339), s.Reason)
	if s.Until.IsZero() {
		return b + " (until enabled)"
	}
	return b + " (until " + s.Until.UTC().Format(time.RFC3339) + ")"
}

// Disable records that the agent is disabled from now, for d (zero: until
// Enable), for reason; it replaces an earlier disable. The state
// directory is created root-only when missing.
func Disable(stateDir, reason string, d time.Duration, now time.Time) (State, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return State{}, errors.New("a reason is required: say why the agent is disabled")
	}
	if d < 0 {
		return State{}, fmt.Errorf("a negative duration (%s) would never disable anything", d)
	}
	s := State{Who: Who(), Reason: reason, Since: now.UTC()}
	if d > 0 {
		s.Until = now.Add(d).UTC()
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return State{}, err
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return State{}, err
	}
	err = atomicfile.WriteFile(filepath.Join(stateDir, File), append(b, '\n'), atomicfile.Options{Mode: 0o600})
	return s, err
}

// Enable removes the disable. It returns the state it removed, or nil
// when the agent was not disabled (or the file was unreadable: enabling
// removes it all the same).
func Enable(stateDir string) (*State, error) {
	s, _ := read(stateDir)
	err := os.Remove(filepath.Join(stateDir, File))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return s, err
}

// Check returns the disable in force at now, or nil. A disable that
// expired is removed here and returned as lifted, so exactly one caller
// sees it lift and can say so.
func Check(stateDir string, now time.Time) (active, lifted *State, err error) {
	s, err := read(stateDir)
	if err != nil || s == nil {
		return nil, nil, err
	}
	if !s.Expired(now) {
		return s, nil, nil
	}
	if err := os.Remove(filepath.Join(stateDir, File)); err != nil {
		if errors.Is(err, fs.ErrNotExist) { // another run lifted it first
			return nil, nil, nil
		}
		return nil, nil, err
	}
	return nil, s, nil
}

// Peek returns the disable in force at now without changing anything,
// for readers such as monitoring that must not remove files.
func Peek(stateDir string, now time.Time) (*State, error) {
	s, err := read(stateDir)
	if err != nil || s == nil || s.Expired(now) {
		return nil, err
	}
	return s, nil
}

func read(stateDir string) (*State, error) {
	path := filepath.Join(stateDir, File)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w (remove it or run tend enable)", path, err)
	}
	return &s, nil
}

// Who names the person behind the command: the user sudo ran it for,
// else the login name, else the uid.
func Who() string {
	for _, v := range []string{"SUDO_USER", "LOGNAME", "USER"} {
		if n := os.Getenv(v); n != "" {
			return n
		}
	}
	uid := strconv.Itoa(os.Getuid())
	if u, err := user.LookupId(uid); err == nil {
		return u.Username
	}
	return "uid " + uid
}
