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
	"time"

	"github.com/tendhq/tend/providers/files/atomicfile"
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

// OpenPending loads the pending events of a state directory. With an empty
// directory, events are kept in memory only (plans of a host tend has no
// state directory for).
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
		return nil, err
	}
	if err := json.Unmarshal(b, &p.events); err != nil {
		return nil, fmt.Errorf("%s: %v (move it aside to drop the pending refresh events)", p.path, err)
	}
	return p, nil
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

func (p *Pending) save() error {
	if p.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(p.events, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(p.path, append(b, '\n'), atomicfile.Options{Mode: 0o600})
}
