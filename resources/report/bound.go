package report

import (
	"encoding/json"

	"github.com/tendhq/tend/resources"
)

// Bounds on what a report holds.
const (
	// TextLimit bounds each text of a report: a resource's error, output,
	// reason and events, and each run-level error.
	TextLimit = resources.TextLimit
	// MaxReportSize bounds one report file. A report that would be larger
	// keeps its summary and every resource, with their texts cut shorter
	// (see shrink).
	MaxReportSize = 8 << 20
	// MaxKeptSize bounds the reports kept in the state directory together,
	// besides their number (DefaultKeep): the oldest are removed first, the
	// newest is always kept.
	MaxKeptSize = 50 << 20
	// whyLimit bounds the reasons a summary carries, which monitoring
	// prints.
	whyLimit = 4 << 10
)

func bound(s string) string { return resources.Bound(s, TextLimit) }

func boundAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = bound(s)
	}
	return out
}

// shrinkSteps are the text bounds tried, in turn, on a report larger than
// MaxReportSize; the last drops outputs altogether.
var shrinkSteps = []int{16 << 10, 4 << 10, 1 << 10, 256, 0}

// encode renders the report, cutting its texts shorter until it fits in
// MaxReportSize (or nothing more can be cut). The caller's report is left
// as it was.
func encode(r *Report) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	for _, limit := range shrinkSteps {
		if err != nil || len(b) <= MaxReportSize {
			break
		}
		b, err = json.MarshalIndent(shrunk(r, limit), "", "  ")
	}
	return b, err
}

// shrunk is a copy of r with every text bounded to limit bytes, and the
// outputs left out when limit is 0.
func shrunk(r *Report, limit int) *Report {
	c := *r
	cut := func(s string) string { return resources.Bound(s, max(limit, 256)) }
	c.Resources = make([]Entry, len(r.Resources))
	for i, e := range r.Resources {
		e.Reason, e.Error, e.SkippedBy = cut(e.Reason), cut(e.Error), cut(e.SkippedBy)
		e.Output = cut(e.Output)
		if limit == 0 && e.Output != "" {
			e.Output = "(output left out: the report was over its size limit)"
		}
		ev := make([]string, len(e.Events))
		for j, s := range e.Events {
			ev[j] = cut(s)
		}
		e.Events = ev
		c.Resources[i] = e
	}
	c.Errors = make([]string, len(r.Errors))
	for i, s := range r.Errors {
		c.Errors[i] = cut(s)
	}
	return &c
}
