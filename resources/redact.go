package resources

import (
	"slices"
	"strconv"
	"strings"
)

// minSecretLen is the shortest text a Redactor replaces: shorter pieces
// ("1", "yes") would blank out ordinary words, and say little anyway.
const minSecretLen = 6

// Redactor replaces the run's secrets in text a resource or provider
// produced (errors, command output, a crashed provider's stderr) before it
// is printed, logged or stored. It is the second line of defence: Change
// masks what it knows to be sensitive, the Redactor catches a secret that
// was echoed where nothing knew it would be.
type Redactor struct {
	r *strings.Replacer
}

// NewRedactor redacts each secret and, for multi-line secrets such as PEM
// keys, each of their lines on its own.
func NewRedactor(secrets []string) *Redactor {
	return newRedactor(secrets, minSecretLen)
}

// NewResourceRedactor redacts the sensitive values of one resource in
// what that resource says, as written and as Go quotes them, from three
// characters on ("0600", a short password): a one- or two-character
// value would blank out parts of words and says too little to matter.
func NewResourceRedactor(secrets []string) *Redactor {
	var all []string
	for _, s := range secrets {
		q := strconv.Quote(s)
		all = append(all, s, q[1:len(q)-1])
	}
	return newRedactor(all, 3)
}

func newRedactor(secrets []string, minLen int) *Redactor {
	var pieces []string
	for _, s := range secrets {
		pieces = append(pieces, s)
		if strings.Contains(s, "\n") {
			for line := range strings.Lines(s) {
				pieces = append(pieces, strings.TrimSpace(line))
			}
		}
	}
	pieces = slices.DeleteFunc(pieces, func(p string) bool { return len(p) < minLen })
	// Longest first: a secret containing another is replaced whole.
	slices.SortFunc(pieces, func(a, b string) int { return len(b) - len(a) })
	pieces = slices.Compact(pieces)
	if len(pieces) == 0 {
		return &Redactor{}
	}
	args := make([]string, 0, 2*len(pieces))
	for _, p := range pieces {
		args = append(args, p, Masked)
	}
	return &Redactor{r: strings.NewReplacer(args...)}
}

// String returns s with every secret replaced by Masked.
func (r *Redactor) String(s string) string {
	if r == nil || r.r == nil || s == "" {
		return s
	}
	return r.r.Replace(s)
}

// Strings redacts each element in place.
func (r *Redactor) Strings(ss []string) {
	for i, s := range ss {
		ss[i] = r.String(s)
	}
}

// Change redacts everything printable in c in place.
func (r *Redactor) Change(c *Change) {
	c.Reason = r.String(c.Reason)
	r.Strings(c.Warnings)
	if c.Content != nil {
		c.Content.Path = r.String(c.Content.Path)
		for _, h := range c.Content.Hunks {
			for j := range h.Lines {
				h.Lines[j].Text = r.String(h.Lines[j].Text)
			}
		}
		for i := range c.Content.Settings {
			s := &c.Content.Settings[i]
			s.Name, s.Old, s.New = r.String(s.Name), r.String(s.Old), r.String(s.New)
		}
	}
	for i := range c.Attrs {
		c.Attrs[i].Old = r.String(c.Attrs[i].Old)
		c.Attrs[i].New = r.String(c.Attrs[i].New)
	}
}
