package preview

import (
	"path"
	"sort"
	"time"

	"github.com/tendhq/tend/agent/source"
)

// Defaults of a scheduled run's previews.
const (
	// DefaultFor is how long after its tip was committed a branch is
	// previewed when the settings do not say.
	DefaultFor = 72 * time.Hour
	// MaxPerRun bounds the previews one scheduled run makes: each is a
	// fetch, a verification and a plan.
	MaxPerRun = 10
)

// Schedule is which branches a scheduled run previews: those whose names
// match one of Patterns (path.Match) and whose tip was committed less
// than For ago.
type Schedule struct {
	Patterns []string
	For      time.Duration
}

// Matches says whether ref is one of the schedule's: a preview of a ref
// that does not match (made by hand) is never the schedule's to remove.
func (s Schedule) Matches(ref string) bool {
	for _, p := range s.Patterns {
		if ok, _ := path.Match(p, ref); ok {
			return true
		}
	}
	return false
}

// Due is what one scheduled run does with its previews.
type Due struct {
	// Preview are the branches to preview, newest tip first, at most
	// MaxPerRun.
	Preview []source.Branch
	// Deferred are the recent, changed branches over MaxPerRun, left to
	// the next runs.
	Deferred []source.Branch
	// Stale are the refs whose preview reports are to be removed: they
	// match the schedule, but the branch is gone or its tip is too old.
	Stale []string
}

// Select decides, from the source's branches and the commit each
// existing preview report names (by ref), which branches to preview now
// and which reports to remove. A branch whose report names its tip is
// left out: it was previewed, or refused, at that commit already.
func (s Schedule) Select(branches []source.Branch, previewed map[string]string, now time.Time) Due {
	var d Due
	live := map[string]bool{}
	var recent []source.Branch
	for _, b := range branches {
		if !s.Matches(b.Name) || now.Sub(b.Committed) > s.For {
			continue
		}
		live[b.Name] = true
		if previewed[b.Name] == b.Commit {
			continue // previewed (or refused) at this commit already
		}
		recent = append(recent, b)
	}
	sort.SliceStable(recent, func(i, j int) bool { return recent[i].Committed.After(recent[j].Committed) })
	d.Preview, d.Deferred = recent[:min(len(recent), MaxPerRun)], recent[min(len(recent), MaxPerRun):]
	for ref := range previewed {
		if s.Matches(ref) && !live[ref] {
			d.Stale = append(d.Stale, ref)
		}
	}
	sort.Strings(d.Stale)
	return d
}
