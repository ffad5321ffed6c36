// Package console shows an apply to the operator while it runs: each
// resource's outcome as soon as it is known, what the resources say while
// they work (apt's progress, dpkg's messages), and on a terminal a status
// line with what is running and for how long.
//
// On a pipe the output is lines in a stable format, one event per line,
// each starting with the resource's address; the status line is never
// written there.
package console

import (
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
)

// Level is how much the console shows.
type Level int

const (
	// Normal shows what changed, failed or was skipped, and what the
	// resources say while they work.
	Normal Level = iota
	// Quiet shows only failures.
	Quiet
	// Verbose adds the resources that were already as configured, and
	// every duration.
	Verbose
)

// Slow is how long a resource must take for its duration to be shown.
const Slow = time.Second

// Options say where and how the console writes.
type Options struct {
	// Out receives the lines, escaped (a resources.TerminalWriter, which
	// colours the changes when colour is on).
	Out io.Writer
	// Terminal, when set, is the terminal Out writes to: the status line
	// is drawn on it. Nil on a pipe.
	Terminal io.Writer
	// Width gives the terminal's width in columns; nil or 0 means 80.
	Width func() int
	// Redact masks the run's secrets in an outcome, which is a copy the
	// console owns.
	Redact func(o *engine.Outcome)
	// RedactText masks the run's secrets in what a resource said.
	RedactText func(addr, text string) string
	Level      Level
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Live is an engine.Watcher that prints. Close it when the run is over,
// before printing anything else.
type Live struct {
	o      Options
	mu     sync.Mutex
	status *statusLine // nil on a pipe or when quiet
	// tens is, per resource, the last tenth of progress printed on a
	// pipe, so a long transaction prints a line per 10%, not per step.
	tens map[string]int
	stop chan struct{}
	done chan struct{}
}

// New starts a console; on a terminal it redraws the status line every
// tick until Close.
func New(o Options) *Live {
	if o.Now == nil {
		o.Now = time.Now
	}
	l := &Live{o: o, tens: map[string]int{}}
	if o.Terminal != nil && o.Level != Quiet {
		l.status = newStatusLine(o.Terminal, o.Width)
		l.stop, l.done = make(chan struct{}), make(chan struct{})
		go l.tick(tick)
	}
	return l
}

// tick is how often the status line's clock moves.
const tick = 250 * time.Millisecond

func (l *Live) tick(every time.Duration) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.mu.Lock()
			l.status.draw(l.o.Now())
			l.mu.Unlock()
		}
	}
}

// Close stops the status line and erases it.
func (l *Live) Close() {
	if l.status == nil {
		return
	}
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	l.status.erase()
}

// Started implements engine.Watcher.
func (l *Live) Started(addr string, at time.Time) {
	if l.status == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.status.start(addr, at)
}

// Told implements engine.Watcher: a message is a line; a status is the
// status line on a terminal and, on a pipe, a line per tenth of progress.
func (l *Live) Told(addr string, n resources.News) {
	if l.o.Level == Quiet {
		return
	}
	text := l.o.RedactText(addr, n.Text)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case n.Kind == resources.Message:
		l.lines(func(w io.Writer) { fmt.Fprintf(w, "%s: > %s\n", addr, text) })
	case l.status != nil:
		l.status.tell(addr, fmt.Sprintf("%.0f%% %s", n.Percent, text))
	default:
		tenth := int(math.Floor(n.Percent / 10))
		if last, ok := l.tens[addr]; ok && last == tenth {
			return
		}
		l.tens[addr] = tenth
		l.lines(func(w io.Writer) { fmt.Fprintf(w, "%s: %.0f%% %s\n", addr, n.Percent, text) })
	}
}

// Finished implements engine.Watcher: the outcome, as the final report
// of the run would show it, with how long it took when that was long.
func (l *Live) Finished(o engine.Outcome) {
	show := l.shows(o)
	if show {
		o.Change = o.Change.Clone()
		l.o.Redact(&o)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.status != nil {
		l.status.end(o.Addr)
	}
	delete(l.tens, o.Addr)
	if !show {
		return
	}
	l.lines(func(w io.Writer) {
		Outcome(w, o)
		if o.Duration >= Slow || l.o.Level == Verbose {
			fmt.Fprintf(w, "%s: took %s\n", o.Addr, round(o.Duration))
		}
	})
}

func (l *Live) shows(o engine.Outcome) bool {
	switch {
	case o.Status == engine.Failed:
		return true
	case l.o.Level == Quiet:
		return false
	case o.Status == engine.Unchanged:
		return l.o.Level == Verbose
	}
	return true
}

// lines writes with the status line out of the way.
func (l *Live) lines(write func(w io.Writer)) {
	if l.status != nil {
		l.status.erase()
	}
	write(l.o.Out)
	if l.status != nil {
		l.status.draw(l.o.Now())
	}
}

// Outcome writes what happened to one resource: for a change, its block
// as the plan shows it (unless it was only refreshed) and the events; a
// failure or a skip on one line.
func Outcome(w io.Writer, o engine.Outcome) {
	switch o.Status {
	case engine.Changed:
		if o.Change.Action != resources.NoOp && o.Change.Action != resources.Refresh {
			single := &plan.Plan{Resources: []plan.Resource{{Address: o.Addr, Change: o.Change}}}
			plan.RenderResources(w, single)
		}
		for _, e := range o.Events {
			fmt.Fprintf(w, "%s: %s\n", o.Addr, e)
		}
	case engine.Failed:
		fmt.Fprintf(w, "%s: FAILED: %s\n", o.Addr, o.Err)
	case engine.Skipped:
		fmt.Fprintf(w, "%s: skipped: %s\n", o.Addr, o.SkippedBy)
	case engine.Unchanged:
		fmt.Fprintf(w, "%s: unchanged\n", o.Addr)
	}
}

// round shows a duration to a tenth of a second (a millisecond below).
func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
