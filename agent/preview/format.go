package preview

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/plan"
)

// diffLines is how many lines of each resource's diff the summary shows;
// the rest are counted.
const diffLines = 3

// lineWidth bounds each line shown under a row, in characters.
const lineWidth = 160

var columns = []string{"HOST", "NODE", "REF", "COMMIT", "CHANGES", "FAILED"}

// Write prints one row per preview, hosts in order, and under each row
// why it was refused, or each resource it would change (or could not
// plan) with the first diffLines lines of its diff; then the totals.
func (f *Fleet) Write(w io.Writer) {
	rows := [][]string{columns}
	for _, h := range f.Hosts {
		for _, p := range h.Previews {
			rows = append(rows, row(h.Name, p))
		}
	}
	width := make([]int, len(columns))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	writeRow(w, rows[0], width)
	n, failed := 0, 0
	for _, h := range f.Hosts {
		for _, p := range h.Previews {
			n++
			if p.Failed() {
				failed++
			}
			writeRow(w, rows[n], width)
			writeDetail(w, p)
		}
	}
	fmt.Fprintf(w, "%d previews on %d hosts, %d failed.\n", n, len(f.Hosts), failed)
}

func row(host string, p Found) []string {
	failed := "no"
	if p.Failed() {
		failed = "yes"
	}
	changes := strconv.Itoa(p.Summary.Changed)
	if p.Refused != "" {
		changes = "-"
	}
	if host == "" {
		host = "(unknown)"
	}
	commit := p.Source.ID
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if commit == "" {
		commit = "-"
	}
	return []string{host, p.Node, p.Ref, commit, changes, failed}
}

// writeRow pads every column but the last; CHANGES is right-aligned.
func writeRow(w io.Writer, r []string, width []int) {
	var b strings.Builder
	for i, c := range r {
		pad := strings.Repeat(" ", width[i]-len([]rune(c)))
		switch {
		case i == len(r)-1:
			b.WriteString(c)
		case columns[i] == "CHANGES":
			b.WriteString(pad + c + "  ")
		default:
			b.WriteString(c + pad + "  ")
		}
	}
	fmt.Fprintln(w, b.String())
}

// writeDetail writes what is under a preview's row.
func writeDetail(w io.Writer, p Found) {
	if p.Refused != "" {
		fmt.Fprintf(w, "    refused: %s\n", cut(firstLine(p.Refused)))
		return
	}
	if p.Plan == nil {
		return
	}
	for _, r := range p.Plan.Resources {
		head, lines := resourceLines(r)
		if head == "" {
			continue
		}
		fmt.Fprintf(w, "    %s\n", cut(head))
		for i, l := range lines {
			if i == diffLines {
				more := len(lines) - diffLines
				fmt.Fprintf(w, "        … %d more %s\n", more, map[bool]string{true: "line", false: "lines"}[more == 1])
				break
			}
			fmt.Fprintf(w, "        %s\n", cut(l))
		}
	}
}

// resourceLines is a resource's headline and its diff's lines (the
// changed lines, without context); head is "" when it does nothing.
func resourceLines(r plan.Resource) (head string, lines []string) {
	switch {
	case r.Error != "":
		return "! " + r.Address + " could not be planned", []string{"error: " + firstLine(r.Error)}
	case r.SkippedBy != "":
		return "! " + r.Address + " was not planned: " + firstLine(r.SkippedBy), nil
	case r.Action == resources.NoOp:
		return "", nil
	}
	head = r.Action.Symbol() + " " + r.Address
	if r.Reason != "" {
		head += " (" + firstLine(r.Reason) + ")"
	}
	for _, a := range r.Attrs {
		lines = append(lines, attrLine(a))
	}
	if d := r.Content; d != nil {
		if d.Binary {
			lines = append(lines, fmt.Sprintf("binary content differs (%d bytes -> %d bytes)", d.OldSize, d.NewSize))
		}
		for _, h := range d.Hunks {
			for _, l := range h.Lines {
				if l.Op != " " {
					lines = append(lines, l.Op+firstLine(l.Text))
				}
			}
		}
		if d.Note != "" {
			lines = append(lines, "("+d.Note+")")
		}
	}
	return head, lines
}

// attrLine is an attribute change as the plan shows it: "+ name = new",
// "- name = old" or "~ name = old -> new" (a masked value unquoted).
func attrLine(a resources.AttrChange) string {
	q := func(v string) string {
		if v == resources.Masked {
			return v
		}
		return strconv.Quote(v)
	}
	switch {
	case a.Old == "":
		return "+ " + a.Name + " = " + q(a.New)
	case a.New == "":
		return "- " + a.Name + " = " + q(a.Old)
	}
	return "~ " + a.Name + " = " + q(a.Old) + " -> " + q(a.New)
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return first
}

// cut bounds a line to lineWidth characters.
func cut(s string) string {
	r := []rune(s)
	if len(r) <= lineWidth {
		return s
	}
	return string(r[:lineWidth-1]) + "…"
}
