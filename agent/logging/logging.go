package logging

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/coreos/go-systemd/v22/journal"
	"github.com/tendhq/tend/resources"
)

// Options configure New. The zero value logs Info and above to the
// journal when it is present, else to os.Stderr.
type Options struct {
	// Stderr receives the text fallback (nil: os.Stderr).
	Stderr io.Writer
	// Level is the least severe level logged (zero: Info).
	Level slog.Leveler
	// NoJournal forces the text fallback.
	NoJournal bool
}

// New returns the logger: the journal when reachable, else text.
func New(opts Options) *slog.Logger {
	text := textHandler(opts)
	if opts.NoJournal || !journal.Enabled() {
		return slog.New(text)
	}
	return slog.New(&Journal{level: opts.Level, fallback: text})
}

func textHandler(opts Options) slog.Handler {
	w := opts.Stderr
	if w == nil {
		w = os.Stderr
	}
	return slog.NewTextHandler(w, &slog.HandlerOptions{Level: opts.Level})
}

// Journal is a slog.Handler sending each record to journald as one entry
// with its attributes as TEND_* fields.
type Journal struct {
	level    slog.Leveler
	fallback slog.Handler
	prefix   string            // the open groups, as a field name prefix
	fields   map[string]string // from WithAttrs
}

// Enabled reports whether the level is logged.
func (j *Journal) Enabled(_ context.Context, l slog.Level) bool {
	least := slog.LevelInfo
	if j.level != nil {
		least = j.level.Level()
	}
	return l >= least
}

// Handle sends the record; if journald refuses it, it goes to the text
// fallback instead of being lost.
func (j *Journal) Handle(ctx context.Context, r slog.Record) error {
	vars := make(map[string]string, len(j.fields)+r.NumAttrs()+1)
	for k, v := range j.fields {
		vars[k] = v
	}
	r.Attrs(func(a slog.Attr) bool {
		addField(vars, j.prefix, a)
		return true
	})
	vars["SYSLOG_IDENTIFIER"] = "tend"
	// journalctl -a prints fields as they are: control characters from a
	// path or a command's output must not reach the reader's terminal.
	if err := journal.Send(resources.Printable(r.Message), priority(r.Level), vars); err != nil {
		return j.fallback.Handle(ctx, r)
	}
	return nil
}

// WithAttrs returns a handler adding attrs to every record.
func (j *Journal) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := j.clone()
	for _, a := range attrs {
		addField(n.fields, n.prefix, a)
	}
	n.fallback = j.fallback.WithAttrs(attrs)
	return n
}

// WithGroup returns a handler nesting later attributes under name.
func (j *Journal) WithGroup(name string) slog.Handler {
	if name == "" {
		return j
	}
	n := j.clone()
	n.prefix += fieldName(name) + "_"
	n.fallback = j.fallback.WithGroup(name)
	return n
}

func (j *Journal) clone() *Journal {
	n := *j
	n.fields = make(map[string]string, len(j.fields))
	for k, v := range j.fields {
		n.fields[k] = v
	}
	return &n
}

// addField flattens one attribute (groups included) into journal fields.
func addField(vars map[string]string, prefix string, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += fieldName(a.Key) + "_"
		}
		for _, g := range v.Group() {
			addField(vars, p, g)
		}
		return
	}
	if a.Key == "" {
		return
	}
	vars["TEND_"+prefix+fieldName(a.Key)] = resources.Printable(v.String())
}

// fieldName makes a journal field name: upper case letters, digits and
// underscores.
func fieldName(key string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, key)
}

// priority maps slog levels to syslog priorities.
func priority(l slog.Level) journal.Priority {
	switch {
	case l >= slog.LevelError:
		return journal.PriErr
	case l >= slog.LevelWarn:
		return journal.PriWarning
	case l >= slog.LevelInfo:
		return journal.PriInfo
	}
	return journal.PriDebug
}
