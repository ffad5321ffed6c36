package plan

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Source says where a resource's configuration came from: where it is
// declared, the module calls leading there, and, per attribute whose
// value was passed down or looked up (a module variable, a data value, a
// local), the steps it took, the winning data layer among them.
type Source struct {
	// Declared is the resource block's file:line:column.
	Declared string `json:"declared"`
	// Via lists the module calls leading to the declaration, outermost
	// first.
	Via []Call `json:"via,omitempty"`
	// Attrs lists, per attribute not simply written in the resource
	// block, where its value came from, nearest first.
	Attrs map[string][]Step `json:"attrs,omitempty"`
}

// Call is one module call on the way to a declaration.
type Call struct {
	Module string `json:"module"`
	// At is the module block's file:line:column.
	At string `json:"at"`
}

// Step is one step of a value's way: the expression that set it
// ("set"), a variable passed down ("var.NAME"), a local, a data value
// ("data.NAME") and which layer won over which.
type Step struct {
	What string `json:"what"`
	At   string `json:"at"`
	Note string `json:"note,omitempty"`
}

// AddSources records where each resource of the plan came from, by
// address.
func (p *Plan) AddSources(src map[string]Source) {
	for i := range p.Resources {
		if s, ok := src[p.Resources[i].Address]; ok {
			p.Resources[i].From = &s
		}
	}
}

// line is the compact form the text plan shows: the declaration and the
// module calls.
func (s *Source) line() string {
	var b strings.Builder
	b.WriteString(s.Declared)
	for i := len(s.Via) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, ", module %q called at %s", s.Via[i].Module, s.Via[i].At)
	}
	return b.String()
}

// renderSource writes the "# from" line and, when verbose, where each
// attribute not written in the block came from.
func renderSource(w io.Writer, s *Source, verbose bool) {
	if s == nil {
		return
	}
	fmt.Fprintf(w, "  # from %s\n", s.line())
	if !verbose {
		return
	}
	for _, n := range slices.Sorted(maps.Keys(s.Attrs)) {
		for i, st := range s.Attrs[n] {
			label := ""
			if i == 0 {
				label = n + ":"
			}
			fmt.Fprintf(w, "  #   %-20s %-20s %s", label, st.What, st.At)
			if st.Note != "" {
				fmt.Fprintf(w, " (%s)", st.Note)
			}
			fmt.Fprintln(w)
		}
	}
}
