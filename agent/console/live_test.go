package console

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func redactCanary(o *engine.Outcome) {
	o.Redact(resources.NewRedactor([]string{"CANARY-42"}))
}

func redactCanaryText(_, s string) string {
	return resources.NewRedactor([]string{"CANARY-42"}).String(s)
}

// console is a Live on a pipe (or a terminal, when term is set) with a
// clock the test moves.
func console(level Level, term *bytes.Buffer) (*Live, *bytes.Buffer, *time.Time) {
	out, now := &bytes.Buffer{}, t0
	o := Options{Out: out, Redact: redactCanary, RedactText: redactCanaryText, Level: level, Now: func() time.Time { return now }}
	if term != nil {
		o.Terminal, o.Width = term, func() int { return 80 }
	}
	return New(o), out, &now
}

func changed(addr string, took time.Duration) engine.Outcome {
	return engine.Outcome{Addr: addr, Status: engine.Changed, Duration: took,
		Change: resources.Change{Action: resources.Create, Attrs: []resources.AttrChange{{Name: "mode", New: "0644"}}},
		Events: []string{"applied create"}}
}

// On a pipe, each outcome is printed when it comes, in the stable line
// format; progress is a line per tenth, messages a line each.
func TestPipe(t *testing.T) {
	l, out, _ := console(Normal, nil)
	l.Started("package.postfix", t0)
	l.Told("package.postfix", resources.News{Kind: resources.Message, Text: "Setting up postfix (3.5) ..."})
	for _, pct := range []float64{3, 7, 12, 19, 100} {
		l.Told("package.postfix", resources.News{Kind: resources.Status, Text: "Installing postfix", Percent: pct})
	}
	l.Finished(changed("package.postfix", 2500*time.Millisecond))
	l.Finished(changed("file.motd", 10*time.Millisecond))
	l.Finished(engine.Outcome{Addr: "file.same", Status: engine.Unchanged})
	l.Finished(engine.Outcome{Addr: "service.x", Status: engine.Failed, Err: "exit 1: password CANARY-42"})
	l.Finished(engine.Outcome{Addr: "service.y", Status: engine.Skipped, SkippedBy: "depends on service.x"})
	l.Close()
	want := `package.postfix: > Setting up postfix (3.5) ...
package.postfix: 3% Installing postfix
package.postfix: 12% Installing postfix
package.postfix: 100% Installing postfix
  # package.postfix will be created
  + package.postfix
      + mode = "0644"

package.postfix: applied create
package.postfix: took 2.5s
  # file.motd will be created
  + file.motd
      + mode = "0644"

file.motd: applied create
service.x: FAILED: exit 1: password (sensitive)
service.y: skipped: depends on service.x
`
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// Quiet shows failures only; verbose shows every resource and duration.
func TestLevels(t *testing.T) {
	for _, c := range []struct {
		level Level
		want  string
	}{
		{Quiet, "service.x: FAILED: down\n"},
		{Verbose, `file.motd: > chatter
  # file.motd will be created
  + file.motd
      + mode = "0644"

file.motd: applied create
file.motd: took 10ms
file.same: unchanged
file.same: took 1ms
service.x: FAILED: down
service.x: took 0s
`},
	} {
		l, out, _ := console(c.level, nil)
		l.Told("file.motd", resources.News{Kind: resources.Message, Text: "chatter"})
		l.Finished(changed("file.motd", 10*time.Millisecond))
		l.Finished(engine.Outcome{Addr: "file.same", Status: engine.Unchanged, Duration: time.Millisecond})
		l.Finished(engine.Outcome{Addr: "service.x", Status: engine.Failed, Err: "down"})
		l.Close()
		if got := out.String(); got != c.want {
			t.Errorf("level %d: got:\n%s\nwant:\n%s", c.level, got, c.want)
		}
	}
}

// The console redacts a copy: the run's own outcome keeps its values.
func TestRedactsACopy(t *testing.T) {
	l, out, _ := console(Normal, nil)
	o := changed("file.secret", 0)
	o.Change.Attrs[0].New = "CANARY-42"
	l.Finished(o)
	if strings.Contains(out.String(), "CANARY-42") || o.Change.Attrs[0].New != "CANARY-42" {
		t.Errorf("printed %q; the outcome now holds %q", out.String(), o.Change.Attrs[0].New)
	}
}

// On a terminal, the status line names the resource running longest, for
// how long and what it last said; lines are printed over it, and it is
// gone when the run ends. Progress never becomes a line there.
func TestStatusLine(t *testing.T) {
	term := &bytes.Buffer{}
	l, out, now := console(Normal, term)
	l.Started("package.postfix", t0)
	l.Started("file.motd", t0.Add(time.Second))
	l.Told("package.postfix", resources.News{Kind: resources.Status, Text: "Installing postfix", Percent: 42.4})
	*now = t0.Add(12 * time.Second)
	l.mu.Lock()
	l.status.draw(*now)
	l.mu.Unlock()
	line := "\r... package.postfix (12s) 42% Installing postfix, and 1 more"
	if got := term.String(); got != line {
		t.Fatalf("status line %q, want %q", got, line)
	}
	l.Finished(changed("file.motd", 0))
	blank := "\r" + strings.Repeat(" ", len(line)-1) + "\r"
	short := "\r... package.postfix (12s) 42% Installing postfix"
	if got, want := term.String(), line+blank+short; got != want {
		t.Errorf("after a line: %q, want %q", got, want)
	}
	if !strings.Contains(out.String(), "file.motd: applied create") || strings.Contains(out.String(), "42%") {
		t.Errorf("lines: %q", out.String())
	}
	l.Told("package.postfix", resources.News{Kind: resources.Status, Text: strings.Repeat("x", 100), Percent: 50})
	term.Reset()
	l.mu.Lock()
	l.status.draw(*now)
	l.mu.Unlock()
	if got := strings.TrimRight(term.String(), " "); len(got) != 80 || !strings.HasSuffix(got, "...") {
		t.Errorf("a long status is not cut to the terminal's 80 columns: %q (%d)", got, len(got))
	}
	term.Reset()
	l.Close()
	if got := term.String(); strings.Trim(got, " \r") != "" || !strings.HasSuffix(got, "\r") {
		t.Errorf("Close left %q", got)
	}
}

// A resource that finishes quickly never shows on the status line.
func TestStatusLineWaits(t *testing.T) {
	term := &bytes.Buffer{}
	l, _, now := console(Normal, term)
	l.Started("file.motd", t0)
	*now = t0.Add(showAfter - time.Millisecond)
	l.mu.Lock()
	l.status.draw(*now)
	l.mu.Unlock()
	l.Finished(changed("file.motd", 0))
	l.Close()
	if term.Len() != 0 {
		t.Errorf("status line for a quick resource: %q", term.String())
	}
}
