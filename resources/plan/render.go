package plan

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/confdiff"
)

// Render writes the plan for people: one block per resource that will do
// something, Terraform-style markers, attribute changes, content diffs,
// reasons and refresh events, then the summary line. Markers and diff
// lines are marked with their resources.Style: a writer that paints
// (a resources.TerminalWriter with colour on) shows them in colour, any
// other writer gets the same text.
func Render(w io.Writer, p *Plan) { RenderWith(w, p, Options{}) }

// Options change what RenderWith shows.
type Options struct {
	// Verbose shows, under each resource's "# from" line, where each
	// value not written in its block came from.
	Verbose bool
}

// RenderWith is Render with options.
func RenderWith(w io.Writer, p *Plan, opts Options) {
	renderComputed(w, p.Computed)
	if renderResources(w, p, opts) == 0 {
		fmt.Fprintf(w, "No changes. Node %s matches its configuration (%d resources).\n", p.Node, len(p.Resources))
		return
	}
	fmt.Fprintln(w, SummaryLine(p.Summary))
}

// RenderResources writes the block of every resource that will do
// something (or could not be planned) and returns how many it wrote.
func RenderResources(w io.Writer, p *Plan) int { return renderResources(w, p, Options{}) }

func renderResources(w io.Writer, p *Plan, opts Options) int {
	shown := 0
	for _, r := range p.Resources {
		if r.Action == resources.NoOp && r.Error == "" && r.SkippedBy == "" {
			renderNoOpWarnings(w, r)
			continue
		}
		shown++
		renderResource(w, r, opts)
	}
	return shown
}

// SummaryLine is the closing line of a plan.
func SummaryLine(s Summary) string {
	line := fmt.Sprintf("Plan: %d to create, %d to change, %d to delete, %d to refresh.",
		s.Create, s.Update, s.Delete, s.Refresh)
	if s.Unknown > 0 {
		line += fmt.Sprintf(" %d unknown.", s.Unknown)
	}
	if s.Errors > 0 {
		line += fmt.Sprintf(" %d could not be planned.", s.Errors)
	}
	return line
}

var headline = map[resources.Action]string{
	resources.Create:  "will be created",
	resources.Update:  "will be updated in place",
	resources.Delete:  "will be deleted",
	resources.Refresh: "will be refreshed",
}

func renderResource(w io.Writer, r Resource, opts Options) {
	switch {
	case r.Error != "":
		fmt.Fprintf(w, "  # %s could not be planned\n", r.Address)
		renderSource(w, r.From, opts.Verbose)
		fmt.Fprint(w, "  ")
		paint(w, resources.Problem, "!")
		fmt.Fprintf(w, " %s\n      error: %s\n\n", r.Address, indentRest(r.Error, "             "))
		return
	case r.SkippedBy != "":
		fmt.Fprintf(w, "  # %s was not planned: %s\n\n", r.Address, r.SkippedBy)
		return
	}
	if r.Action == resources.Unknown {
		fmt.Fprintf(w, "  # %s: %s\n", r.Address, r.Reason)
		renderSource(w, r.From, opts.Verbose)
		fmt.Fprintf(w, "  %s %s\n\n", r.Action.Symbol(), r.Address)
		return
	}
	why := r.Reason
	if r.Action == resources.Refresh {
		why = "notified by " + strings.Join(r.RefreshFrom, ", ")
	}
	fmt.Fprintf(w, "  # %s %s", r.Address, headline[r.Action])
	if why != "" {
		fmt.Fprintf(w, " (%s)", why)
	}
	fmt.Fprintln(w)
	renderSource(w, r.From, opts.Verbose)
	fmt.Fprint(w, "  ")
	paint(w, actionStyle[r.Action], r.Action.Symbol())
	fmt.Fprintf(w, " %s\n", r.Address)
	renderAttrs(w, r.Attrs)
	if r.Content != nil {
		paintLines(w, confdiff.Text(r.Content.Format, r.Content.Settings, diffIndent), settingStyle)
		paintLines(w, r.Content.Unified(diffIndent), diffStyle)
	}
	renderWarnings(w, r.Warnings)
	if r.Action != resources.Refresh && len(r.RefreshFrom) > 0 {
		fmt.Fprintf(w, "      then refreshed (notified by %s)\n", strings.Join(r.RefreshFrom, ", "))
	}
	for _, n := range r.Notifies {
		fmt.Fprintf(w, "      notifies %s\n", n)
	}
	fmt.Fprintln(w)
}

// renderNoOpWarnings shows the warnings of a resource with nothing to
// do; it does not count as shown, so "No changes" still holds.
func renderNoOpWarnings(w io.Writer, r Resource) {
	if len(r.Warnings) == 0 {
		return
	}
	fmt.Fprintf(w, "  # %s has nothing to do\n", r.Address)
	renderWarnings(w, r.Warnings)
	fmt.Fprintln(w)
}

func renderWarnings(w io.Writer, warnings []string) {
	for _, m := range warnings {
		fmt.Fprintf(w, "      warning: %s\n", indentRest(m, "               "))
	}
}

func renderAttrs(w io.Writer, attrs []resources.AttrChange) {
	width := 0
	for _, a := range attrs {
		width = max(width, len(a.Name))
	}
	for _, a := range attrs {
		fmt.Fprint(w, diffIndent)
		switch {
		case a.Old == "":
			paint(w, resources.Added, "+")
			fmt.Fprintf(w, " %-*s = %s\n", width, a.Name, quoteValue(a.New))
		case a.New == "":
			paint(w, resources.Removed, "-")
			fmt.Fprintf(w, " %-*s = %s\n", width, a.Name, quoteValue(a.Old))
		default:
			paint(w, resources.Changed, "~")
			fmt.Fprintf(w, " %-*s = %s -> %s\n", width, a.Name, quoteValue(a.Old), quoteValue(a.New))
		}
	}
}

func quoteValue(v string) string {
	if v == resources.Masked {
		return v
	}
	return fmt.Sprintf("%q", v)
}

func indentRest(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}

// renderComputed lists the host facts the configuration depended on, so
// that a plan says why, say, the DKIM milter stays off.
func renderComputed(w io.Writer, computed map[string]string) {
	if len(computed) == 0 {
		return
	}
	fmt.Fprintln(w, "Read from the host before planning:")
	for _, k := range slices.Sorted(maps.Keys(computed)) {
		fmt.Fprintf(w, "  %s = %s\n", k, computed[k])
	}
	fmt.Fprintln(w)
}

// diffIndent is where a resource's attributes and diffs start.
const diffIndent = "      "

var actionStyle = map[resources.Action]resources.Style{
	resources.Create:  resources.Added,
	resources.Update:  resources.Changed,
	resources.Delete:  resources.Removed,
	resources.Refresh: resources.Notice,
}

// painter is a writer that can colour what it writes.
type painter interface {
	Paint(s resources.Style, text string) error
}

// paint writes text in style s when w paints, as plain text otherwise.
func paint(w io.Writer, s resources.Style, text string) {
	if p, ok := w.(painter); ok {
		_ = p.Paint(s, text)
		return
	}
	_, _ = io.WriteString(w, text)
}

// paintLines writes text line by line, each in the style style gives
// what follows diffIndent on it.
func paintLines(w io.Writer, text string, style func(string) resources.Style) {
	for line := range strings.Lines(text) {
		body, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), diffIndent)
		if !ok {
			_, _ = io.WriteString(w, line)
			continue
		}
		fmt.Fprint(w, diffIndent)
		paint(w, style(body), body)
		fmt.Fprint(w, line[len(diffIndent)+len(body):])
	}
}

// diffStyle is a unified diff line's: added, removed, hunk header.
func diffStyle(line string) resources.Style {
	switch {
	case strings.HasPrefix(line, "+++ "), strings.HasPrefix(line, "--- "):
		return resources.Plain
	case strings.HasPrefix(line, "+"):
		return resources.Added
	case strings.HasPrefix(line, "-"):
		return resources.Removed
	case strings.HasPrefix(line, "@@ "):
		return resources.Notice
	}
	return resources.Plain
}

// settingStyle is a changed setting's (confdiff.Change): added, removed
// or changed.
func settingStyle(line string) resources.Style {
	switch {
	case strings.HasPrefix(line, "  + "):
		return resources.Added
	case strings.HasPrefix(line, "  - "):
		return resources.Removed
	case strings.HasPrefix(line, "  ~ "):
		return resources.Changed
	}
	return resources.Plain
}
