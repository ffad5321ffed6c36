package check

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tendhq/tend/resources/report"
)

// Evaluate judges the input against the thresholds.
func Evaluate(in Input, t Thresholds) Result {
	var v verdict
	if in.DisabledErr != nil {
		v.add(Unknown, "cannot read the disable state: "+in.DisabledErr.Error())
	}
	if in.Disabled != nil {
		v.add(Warning, "agent "+in.Disabled.String())
	}
	if in.Summary == nil {
		why := "no run recorded yet"
		if in.SummaryErr != nil {
			why = "cannot read the last run summary: " + in.SummaryErr.Error()
		}
		v.add(Unknown, why)
		runState(&v, in)
		return Result{Status: v.status, Message: strings.Join(v.msgs, "; ")}
	}
	s := in.Summary
	exact := max(in.Now.Sub(s.Finished), 0)
	age := exact.Truncate(time.Second)
	warn, crit := t.ages()
	v.add(OK, fmt.Sprintf("last run %s ago on %s: %d changed, %d failed, %d skipped of %d",
		age, commit(s.Source.ID), s.Summary.Changed, s.Summary.Failed, s.Summary.Skipped, s.Summary.Total))
	if s.InternalError != "" || s.ExitCode == report.ExitInternal {
		v.add(Critical, fmt.Sprintf("tend crashed in the last run (exit code %d, report %s): %s", report.ExitInternal, s.Report, s.InternalError))
	}
	if bad := s.Summary.Failed + s.Summary.Skipped; bad > 0 {
		sev := Critical
		if t.FailuresWarn {
			sev = Warning
		}
		v.add(sev, fmt.Sprintf("%d resource(s) failed and %d skipped in the last run (report %s)", s.Summary.Failed, s.Summary.Skipped, s.Report))
	}
	switch {
	case exact > crit && in.Disabled == nil:
		v.add(Critical, fmt.Sprintf("last run is %s old (critical over %s)", age, crit))
	case exact > warn:
		v.add(Warning, fmt.Sprintf("last run is %s old (warning over %s)", age, warn))
	}
	if s.Source.LastKnownGood {
		v.add(Warning, "applying the last known good commit, not the source's tip: "+s.Source.Why)
	}
	runState(&v, in)
	return Result{Status: v.status, Message: strings.Join(v.msgs, "; "), Perf: []Perf{
		{Label: "age", Value: secs(age), UOM: "s", Warn: secs(warn), Crit: secs(crit), Min: "0"},
		{Label: "changed", Value: strconv.Itoa(s.Summary.Changed), Min: "0"},
		{Label: "failed", Value: strconv.Itoa(s.Summary.Failed), Min: "0"},
		{Label: "skipped", Value: strconv.Itoa(s.Summary.Skipped), Min: "0"},
		{Label: "duration", Value: strconv.FormatFloat(s.Duration, 'f', 3, 64), UOM: "s", Min: "0"},
	}}
}

func commit(id string) string {
	if id == "" {
		return "an unversioned repository"
	}
	if len(id) > 12 {
		return "commit " + id[:12]
	}
	return "commit " + id
}

// runState judges what the run lock and the state directory say: a run
// that started and never recorded its result is CRITICAL whatever the
// summary (from an earlier run) says, and so is a state directory runs
// cannot write.
func runState(v *verdict, in Input) {
	switch {
	case in.RunErr != nil:
		v.add(Unknown, "cannot tell whether the last run finished: "+in.RunErr.Error())
	case in.Run.Unfinished():
		v.add(Critical, fmt.Sprintf("the last run (%s) never finished: it was killed or could not write its report, so the summary is older than the host's state", in.Run.Last))
	case in.Run.Running:
		v.add(OK, fmt.Sprintf("a run is in progress (%s)", in.Run.Last))
	}
	if in.Unwritable != nil {
		v.add(Critical, "runs cannot record themselves: "+in.Unwritable.Error())
	}
}
