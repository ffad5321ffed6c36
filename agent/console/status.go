package console

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tendhq/tend/resources"
)

// showAfter is how long a resource must run before the status line names
// it: a run of quick resources does not flicker.
const showAfter = 300 * time.Millisecond

// statusLine is the last line of a terminal while resources run: the one
// running longest, for how long, what it last said, and how many others
// run. It is drawn with carriage returns and spaces only, so it needs no
// control sequence a terminal might not know (and NO_COLOR output has
// none).
type statusLine struct {
	w      io.Writer
	width  func() int
	order  []string // running resources, oldest first
	since  map[string]time.Time
	news   map[string]string
	onTerm int // columns of the line now on the terminal
}

func newStatusLine(w io.Writer, width func() int) *statusLine {
	return &statusLine{w: w, width: width, since: map[string]time.Time{}, news: map[string]string{}}
}

func (s *statusLine) start(addr string, at time.Time) {
	if _, ok := s.since[addr]; !ok {
		s.order = append(s.order, addr)
	}
	s.since[addr] = at
}

func (s *statusLine) tell(addr, text string) { s.news[addr] = text }

func (s *statusLine) end(addr string) {
	s.order = slices.DeleteFunc(s.order, func(a string) bool { return a == addr })
	delete(s.since, addr)
	delete(s.news, addr)
}

// text is the line for now, "" when nothing has run long enough.
func (s *statusLine) text(now time.Time) string {
	if len(s.order) == 0 {
		return ""
	}
	addr := s.order[0]
	took := now.Sub(s.since[addr])
	if took < showAfter {
		return ""
	}
	line := fmt.Sprintf("... %s (%ds)", addr, int(took.Seconds()))
	if n := s.news[addr]; n != "" {
		line += " " + n
	}
	if more := len(s.order) - 1; more > 0 {
		line += fmt.Sprintf(", and %d more", more)
	}
	return resources.Printable(line)
}

// draw puts the line for now on the terminal, over the one before.
func (s *statusLine) draw(now time.Time) {
	line := fit(s.text(now), s.columns()-1)
	if line == "" {
		s.erase()
		return
	}
	n := utf8.RuneCountInString(line)
	pad := max(s.onTerm-n, 0)
	_, _ = io.WriteString(s.w, "\r"+line+strings.Repeat(" ", pad))
	s.onTerm = n + pad
}

// erase blanks the line and leaves the cursor at its start.
func (s *statusLine) erase() {
	if s.onTerm == 0 {
		return
	}
	_, _ = io.WriteString(s.w, "\r"+strings.Repeat(" ", s.onTerm)+"\r")
	s.onTerm = 0
}

func (s *statusLine) columns() int {
	if s.width != nil {
		if w := s.width(); w > 1 {
			return w
		}
	}
	return 80
}

// fit cuts line to at most n runes, marking the cut.
func fit(line string, n int) string {
	if utf8.RuneCountInString(line) <= n {
		return line
	}
	r := []rune(line)
	return string(r[:max(n-3, 0)]) + "..."
}
