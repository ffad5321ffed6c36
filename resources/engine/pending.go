package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
)

// PendingFile is the state directory file holding undelivered refresh
// events.
const PendingFile = "pending-refresh.json"

// Event is one refresh event waiting for delivery.
type Event struct {
	Target string    `json:"target"`
	From   string    `json:"from"`
	Since  time.Time `json:"since"`
}

// Pending is the durable set of undelivered refresh events. Every change
// is written to disk before the call returns.
type Pending struct {
	mu     sync.Mutex
	path   string
	events []Event
}

// DamagedPending says the pending events file cannot be read as events:
// truncated, zeroed, garbage, or not a file. Which events it held is
// unknown.
type DamagedPending struct {
	Path string
	Err  error
}

func (e *DamagedPending) Error() string {
	return fmt.Sprintf("%s is damaged (%v): the refresh events it held are lost; the next apply moves it aside and refreshes every resource something notifies, once", e.Path, e.Err)
}

func (e *DamagedPending) Unwrap() error { return e.Err }

// FromDamaged is what the events standing in for a damaged pending file
// say they come from.
const FromDamaged = "a damaged pending-refresh.json"

// OpenPending loads the pending events of a state directory. With an empty
// directory, events are kept in memory only (plans of a host tend has no
// state directory for). A file that cannot be read as events is a
// *DamagedPending.
func OpenPending(stateDir string) (*Pending, error) {
	p := &Pending{}
	if stateDir == "" {
		return p, nil
	}
	p.path = filepath.Join(stateDir, PendingFile)
	b, err := os.ReadFile(p.path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		if errors.Is(err, syscall.EISDIR) {
			return nil, &DamagedPending{Path: p.path, Err: errors.New("a directory, not a file")}
		}
		return nil, err
	}
	if err := json.Unmarshal(b, &p.events); err != nil {
		return nil, &DamagedPending{Path: p.path, Err: err}
	}
	for _, e := range p.events {
		if e.Target == "" {
			return nil, &DamagedPending{Path: p.path, Err: errors.New("an event without a target")}
		}
	}
	return p, nil
}

// AssumePending stands in for a damaged pending file without touching
// it, for a plan: every target may have lost an event, so each is
// planned for a refresh.
func AssumePending(targets []string, now time.Time) *Pending {
	p := &Pending{}
	for _, t := range targets {
		if !p.has(t, FromDamaged) {
			p.events = append(p.events, Event{Target: t, From: FromDamaged, Since: now})
		}
	}
	return p
}

// RecoverPending moves a damaged pending file aside (to
// pending-refresh.json.damaged-TIME, returned) and records an event for
// every target instead, durably, so each is refreshed once even if this
// run is killed: an extra reload beats a lost one.
func RecoverPending(stateDir string, targets []string, now time.Time) (p *Pending, aside string, err error) {
	path := filepath.Join(stateDir, PendingFile)
	aside, err = atomicfile.MoveAside(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("moving the damaged %s aside: %w (move or remove it by hand)", path, err)
	}
	p = &Pending{path: path}
	if len(targets) == 0 {
		return p, aside, nil
	}
	if err := p.Add(FromDamaged, targets, now); err != nil {
		return nil, aside, fmt.Errorf("%s: %w", path, err)
	}
	return p, aside, nil
}

// For lists the notifiers of events waiting for target.
func (p *Pending) For(target string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var from []string
	for _, e := range p.events {
		if e.Target == target {
			from = append(from, e.From)
		}
	}
	return from
}

// Add records events from one notifier and persists them.
func (p *Pending) Add(from string, targets []string, now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range targets {
		if !p.has(t, from) {
			p.events = append(p.events, Event{Target: t, From: from, Since: now})
		}
	}
	return p.save()
}

func (p *Pending) has(target, from string) bool {
	for _, e := range p.events {
		if e.Target == target && e.From == from {
			return true
		}
	}
	return false
}

// Done removes every event for target after it was delivered.
func (p *Pending) Done(target string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.events[:0]
	for _, e := range p.events {
		if e.Target != target {
			kept = append(kept, e)
		}
	}
	p.events = kept
	return p.save()
}

// Targets lists every target with events waiting.
func (p *Pending) Targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, e := range p.events {
		if !seen[e.Target] {
			seen[e.Target] = true
			out = append(out, e.Target)
		}
	}
	sort.Strings(out)
	return out
}

func (p *Pending) save() error { return writeState(p.path, p.events) }

// writeState writes v as indented JSON to the state file at path,
// atomically, readable by root only; with no path (a plan, a test) it
// writes nothing.
func writeState(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'), atomicfile.Options{Mode: 0o600})
}
