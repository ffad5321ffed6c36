package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// Origin is one step of where a value came from: the expression that set
// it, a variable passed down, a data layer that won.
type Origin struct {
	// What names the step: "set", "var.mydomain", "data.mydomain".
	What string
	// Range is where in the repository (or library) the step is written.
	Range hcl.Range
	// Note adds detail: the data layer and the layers it overrides.
	Note string
}

func (o Origin) String() string {
	s := fmt.Sprintf("%-24s %s:%d:%d", o.What, o.Range.Filename, o.Range.Start.Line, o.Range.Start.Column)
	if o.Note != "" {
		s += " (" + o.Note + ")"
	}
	return s
}

// mergeOrigins appends origins not yet present.
func mergeOrigins(dst []Origin, add ...Origin) []Origin {
	for _, o := range add {
		dup := false
		for _, d := range dst {
			if d.What == o.What && d.Range == o.Range {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, o)
		}
	}
	return dst
}
