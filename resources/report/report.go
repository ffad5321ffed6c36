package report

import (
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
)

// FormatVersion is written into every report.
const FormatVersion = 1

// Exit codes of an apply, as Puppet's --detailed-exitcodes.
const (
	ExitNoChanges = 0
	ExitInvalid   = 1
	ExitChanges   = 2
	ExitFailures  = 4
	ExitBoth      = 6
	// ExitLastKnownGood is added to the code of an agent run that applied
	// its last known good commit instead of the source's tip (8 to 14).
	ExitLastKnownGood = 8
	// ExitInternal is a run in which tend itself crashed (EX_SOFTWARE).
	ExitInternal = 70
)

// Report is one run of `tend apply`.
type Report struct {
	FormatVersion int       `json:"format_version"`
	RunID         string    `json:"run_id"`
	Node          string    `json:"node"`
	Source        Source    `json:"source"`
	Root          string    `json:"root,omitempty"`
	Started       time.Time `json:"started"`
	DurationSec   float64   `json:"duration_seconds"`
	Resources     []Entry   `json:"resources"`
	// Errors are run-level problems not tied to one resource.
	Errors []string `json:"errors,omitempty"`
	// InternalError is set when tend crashed during the run (or, for an
	// agent run that then applied its last known good, while evaluating
	// or applying the tip): how it crashed and the crash's first lines.
	InternalError string  `json:"internal_error,omitempty"`
	Summary       Summary `json:"summary"`
	// Kinds sums time and resources per resource kind, to see which
	// provider a run spends its time in.
	Kinds    map[string]KindTiming `json:"kinds"`
	ExitCode int                   `json:"exit_code"`
}

// KindTiming is the time a run spent on the resources of one kind (the
// sum over resources, which may overlap when they ran in parallel).
type KindTiming struct {
	Resources int     `json:"resources"`
	Seconds   float64 `json:"seconds"`
}

// Source identifies the configuration a run applied.
type Source struct {
	Repo string `json:"repo"`
	// ID is the git commit when the repository is a git checkout, with
	// "+dirty" when it has uncommitted changes.
	ID     string `json:"id,omitempty"`
	Digest string `json:"digest"`
	// Signer names the allowed key that signed the applied commit (agent
	// runs only).
	Signer string `json:"signer,omitempty"`
	// LastKnownGood is set when the agent applied its last known good
	// commit instead of the source's tip; Why says what was wrong with the
	// tip (unreachable, bad signature, rollback, invalid configuration).
	LastKnownGood bool   `json:"last_known_good,omitempty"`
	Why           string `json:"last_known_good_reason,omitempty"`
}

// Entry is one resource in a report.
type Entry struct {
	Address     string        `json:"address"`
	Action      string        `json:"action"`
	Reason      string        `json:"reason,omitempty"`
	Status      engine.Status `json:"status"`
	DurationMS  float64       `json:"duration_ms"`
	Events      []string      `json:"events,omitempty"`
	RefreshFrom []string      `json:"refresh_from,omitempty"`
	Error       string        `json:"error,omitempty"`
	SkippedBy   string        `json:"skipped_by,omitempty"`
	Output      string        `json:"output,omitempty"`
	// From says where the resource's configuration came from.
	From *plan.Source `json:"from,omitempty"`
}

// AddSources records where each resource came from, by address.
func (r *Report) AddSources(src map[string]plan.Source) {
	for i := range r.Resources {
		if s, ok := src[r.Resources[i].Address]; ok {
			r.Resources[i].From = &s
		}
	}
}

// Summary counts resources by result.
type Summary struct {
	Total     int `json:"total"`
	Changed   int `json:"changed"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	Unchanged int `json:"unchanged"`
}

// New builds a report from an engine result.
func New(res engine.Result, started time.Time, took time.Duration) *Report {
	r := &Report{FormatVersion: FormatVersion, Started: started.UTC(), DurationSec: took.Seconds(), Kinds: map[string]KindTiming{}}
	for _, o := range res.Outcomes {
		if a, err := resources.ParseAddress(o.Addr); err == nil {
			k := r.Kinds[a.Kind]
			k.Resources++
			k.Seconds += o.Duration.Seconds()
			r.Kinds[a.Kind] = k
		}
		r.Resources = append(r.Resources, Entry{
			Address: o.Addr, Action: o.Change.Action.String(), Reason: bound(o.Change.Reason),
			Status: o.Status, DurationMS: float64(o.Duration.Microseconds()) / 1000,
			Events: boundAll(o.Events), RefreshFrom: o.RefreshFrom, Error: bound(o.Err),
			SkippedBy: bound(o.SkippedBy), Output: bound(o.Output),
		})
		r.Summary.Total++
		switch o.Status {
		case engine.Changed:
			r.Summary.Changed++
		case engine.Failed:
			r.Summary.Failed++
		case engine.Skipped:
			r.Summary.Skipped++
		default:
			r.Summary.Unchanged++
		}
	}
	for _, d := range res.Dropped {
		r.Errors = append(r.Errors, "dropped pending refresh events for "+d+": no longer in the configuration")
	}
	r.ExitCode = ExitCode(r.Summary.Changed > 0, r.Summary.Failed+r.Summary.Skipped > 0)
	return r
}

// ExitCode maps what a run did to Puppet's detailed exit codes.
func ExitCode(changed, failed bool) int {
	code := ExitNoChanges
	if changed {
		code |= ExitChanges
	}
	if failed {
		code |= ExitFailures
	}
	return code
}
