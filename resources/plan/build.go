package plan

import (
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
)

// FromResult turns the outcome of engine.Plan into a plan. notifies lists,
// per outcome, the addresses it sends refresh events to.
func FromResult(node, digest string, res engine.Result, notifies [][]string) *Plan {
	p := &Plan{FormatVersion: FormatVersion, Node: node, Digest: digest}
	for i, o := range res.Outcomes {
		r := Resource{Address: o.Addr, Change: o.Change, RefreshFrom: o.RefreshFrom, Error: o.Err}
		if o.Observed != nil {
			r.Observed = o.Observed.Digest()
		}
		if o.SkippedBy != "" {
			r.SkippedBy = o.SkippedBy
		}
		a := o.Change.Action
		if a == resources.Create || a == resources.Update || a == resources.Delete {
			r.Notifies = notifies[i]
		}
		p.Resources = append(p.Resources, r)
	}
	p.Summarize()
	return p
}
