package plan

import (
	"github.com/tendhq/tend/resources"
)

// FormatVersion is written into JSON plans and saved plans; a saved plan
// of another version is refused.
const FormatVersion = 1

// Plan is the planned changes of one node.
type Plan struct {
	FormatVersion int    `json:"format_version"`
	Node          string `json:"node"`
	// Digest identifies the configuration files the plan was made from.
	Digest string `json:"config_digest"`
	// Commit is the git commit of the configuration, when it is a checkout.
	Commit string `json:"commit,omitempty"`
	// Computed lists the computed attribute values ("ADDRESS.ATTR") the
	// configuration used, as read from the host before planning.
	Computed  map[string]string `json:"computed,omitempty"`
	Resources []Resource        `json:"resources"`
	Summary   Summary           `json:"summary"`
}

// Resource is the plan for one resource instance.
type Resource struct {
	Address string `json:"address"`
	resources.Change
	// Observed is the digest of the state Read returned.
	Observed string `json:"observed,omitempty"`
	// RefreshFrom lists what sends this resource refresh events: notifying
	// resources that will change, or "an earlier run" for pending events.
	RefreshFrom []string `json:"refresh_from,omitempty"`
	// Notifies lists what this resource sends refresh events to when it
	// changes.
	Notifies []string `json:"notifies,omitempty"`
	// Error is set when the resource could not be read or planned.
	Error string `json:"error,omitempty"`
	// SkippedBy names the failed dependency that kept it from planning.
	SkippedBy string `json:"skipped_by,omitempty"`
	// From says where its configuration came from.
	From *Source `json:"from,omitempty"`
}

// Summary counts the plan's actions.
type Summary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Delete  int `json:"delete"`
	Refresh int `json:"refresh"`
	Unknown int `json:"unknown,omitempty"`
	Errors  int `json:"errors"`
	NoOp    int `json:"no_op"`
}

// Summarize counts the actions of the plan's resources.
func (p *Plan) Summarize() {
	var s Summary
	for _, r := range p.Resources {
		switch {
		case r.Error != "" || r.SkippedBy != "":
			s.Errors++
		case r.Action == resources.Create:
			s.Create++
		case r.Action == resources.Update:
			s.Update++
		case r.Action == resources.Delete:
			s.Delete++
		case r.Action == resources.Refresh:
			s.Refresh++
		case r.Action == resources.Unknown:
			s.Unknown++
		default:
			s.NoOp++
		}
	}
	p.Summary = s
}

// HasChanges reports whether applying the plan would do anything.
func (p *Plan) HasChanges() bool {
	s := p.Summary
	return s.Create+s.Update+s.Delete+s.Refresh > 0
}
