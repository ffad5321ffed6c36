package catalogdiff

import (
	"fmt"
	"io"
	"strings"

	"github.com/tendhq/tend/resources"
)

// Write prints the report as text: a line per unchanged node, and for
// the others what differs, the way a plan shows changes.
func Write(w io.Writer, r *Report) {
	counts := map[Status]int{}
	for _, n := range r.Nodes {
		counts[n.Status]++
	}
	fmt.Fprintf(w, "Catalogs of %s (%s) -> %s (%s): %d node(s), %d changed, %d failed, %d unchanged.\n",
		r.Old.Ref, short(r.Old.Commit), r.New.Ref, short(r.New.Commit),
		len(r.Nodes), counts[Changed], counts[Failed], counts[Unchanged])
	for _, s := range []Side{r.Old, r.New} {
		if s.Diagnostics != "" {
			fmt.Fprintf(w, "The repository at %s:\n%s", s.Ref, indent(s.Diagnostics, "  "))
		}
	}
	fmt.Fprintln(w)
	for _, n := range r.Nodes {
		writeNode(w, r, n)
	}
}

func writeNode(w io.Writer, r *Report, n Node) {
	if n.Status == Unchanged {
		fmt.Fprintf(w, "node %s: unchanged\n", n.Name)
		return
	}
	fmt.Fprintf(w, "node %s: %s", n.Name, n.Status)
	defer fmt.Fprintln(w)
	if n.OnlyIn != "" {
		fmt.Fprintf(w, " (declared only at %s)", map[string]string{"old": r.Old.Ref, "new": r.New.Ref}[n.OnlyIn])
	}
	fmt.Fprintln(w)
	if n.OldDiagnostics != "" {
		fmt.Fprintf(w, "  fails to evaluate at %s:\n%s", r.Old.Ref, indent(n.OldDiagnostics, "    "))
	}
	if n.NewDiagnostics != "" {
		fmt.Fprintf(w, "  fails to evaluate at %s:\n%s", r.New.Ref, indent(n.NewDiagnostics, "    "))
	}
	for _, a := range n.Added {
		fmt.Fprintf(w, "  + %s\n", a)
	}
	for _, a := range n.Removed {
		fmt.Fprintf(w, "  - %s\n", a)
	}
	for _, c := range n.Changed {
		fmt.Fprintf(w, "  ~ %s\n", c.Address)
		writeAttrs(w, c.Attrs)
		for _, d := range c.Content {
			io.WriteString(w, d.Unified("      "))
		}
	}
}

// writeAttrs prints attribute changes as a plan does.
func writeAttrs(w io.Writer, attrs []resources.AttrChange) {
	width := 0
	for _, a := range attrs {
		width = max(width, len(a.Name))
	}
	for _, a := range attrs {
		switch {
		case a.Old == "":
			fmt.Fprintf(w, "      + %-*s = %s\n", width, a.Name, quote(a.New))
		case a.New == "":
			fmt.Fprintf(w, "      - %-*s = %s\n", width, a.Name, quote(a.Old))
		default:
			fmt.Fprintf(w, "      ~ %-*s = %s -> %s\n", width, a.Name, quote(a.Old), quote(a.New))
		}
	}
}

func quote(v string) string {
	if v == resources.Masked {
		return v
	}
	return fmt.Sprintf("%q", v)
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
