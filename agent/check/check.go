package check

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/resources/report"
)

// Status is a plugin's state; its value is the plugin's exit code.
type Status int

// The plugin states, in increasing severity except Unknown, which the
// guidelines place last.
const (
	OK Status = iota
	Warning
	Critical
	Unknown
)

func (s Status) String() string {
	return [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}[s]
}

// worse says whether s outranks o: Critical > Unknown > Warning > OK, so
// a known failure is not hidden behind an unreadable detail.
func (s Status) worse(o Status) bool {
	rank := map[Status]int{OK: 0, Warning: 1, Unknown: 2, Critical: 3}
	return rank[s] > rank[o]
}

// Default thresholds for the last run's age.
const (
	DefaultWarnAge = 2 * time.Hour
	DefaultCritAge = 6 * time.Hour
)

// Thresholds tune the judgement. The zero value uses the defaults and
// treats failures as critical.
type Thresholds struct {
	WarnAge, CritAge time.Duration
	// FailuresWarn makes failed or skipped resources a WARNING.
	FailuresWarn bool
}

func (t Thresholds) ages() (warn, crit time.Duration) {
	warn, crit = t.WarnAge, t.CritAge
	if warn <= 0 {
		warn = DefaultWarnAge
	}
	if crit <= 0 {
		crit = DefaultCritAge
	}
	return warn, crit
}

// Input is what the state directory says.
type Input struct {
	// Summary is the last run; SummaryErr why it could not be read.
	Summary    *report.LastRunSummary
	SummaryErr error
	// Disabled is the disable in force; DisabledErr why it could not be
	// read.
	Disabled    *disable.State
	DisabledErr error
	// Run is what the run lock says about the run in progress or the
	// last one; RunErr why it could not be read.
	Run    runlock.Status
	RunErr error
	// Unwritable says why runs cannot write the state directory; nil
	// when they can (as far as the reader can tell).
	Unwritable error
	Now        time.Time
}

// Result is the verdict.
type Result struct {
	Status  Status
	Message string
	Perf    []Perf
}

// Perf is one perfdata value. Empty Warn, Crit or Min are left out.
type Perf struct {
	Label, Value, UOM, Warn, Crit, Min string
}

func (p Perf) String() string {
	return fmt.Sprintf("'%s'=%s%s;%s;%s;%s;", p.Label, p.Value, p.UOM, p.Warn, p.Crit, p.Min)
}

// String is the plugin's output line.
func (r Result) String() string {
	msg := strings.NewReplacer("|", "/", "\n", " ").Replace(r.Message)
	line := "TEND " + r.Status.String() + " - " + msg
	if len(r.Perf) == 0 {
		return line
	}
	perf := make([]string, len(r.Perf))
	for i, p := range r.Perf {
		perf[i] = p.String()
	}
	return line + " | " + strings.Join(perf, " ")
}

// verdict collects findings; the worst status wins and every message is
// kept, worst first.
type verdict struct {
	status Status
	msgs   []string
}

func (v *verdict) add(s Status, msg string) {
	if s.worse(v.status) {
		v.status = s
		v.msgs = append([]string{msg}, v.msgs...)
		return
	}
	v.msgs = append(v.msgs, msg)
}

func secs(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}
