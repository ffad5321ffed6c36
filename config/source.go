package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources/plan"
)

// Sources tells, by address, where each instance's configuration came
// from (see plan.Source): what a plan shows in its "# from" lines and a
// report keeps.
func (c *Catalog) Sources() map[string]plan.Source {
	out := make(map[string]plan.Source, len(c.Instances))
	for _, inst := range c.Instances {
		out[inst.Addr.String()] = inst.source()
	}
	return out
}

func (inst *Instance) source() plan.Source {
	s := plan.Source{Declared: position(inst.Decl)}
	for i, call := range inst.ModuleCalls {
		s.Via = append(s.Via, plan.Call{Module: inst.Addr.Module[i], At: position(call)})
	}
	for name, origins := range inst.Origins {
		if len(origins) < 2 {
			continue // written in the block itself
		}
		if s.Attrs == nil {
			s.Attrs = map[string][]plan.Step{}
		}
		for _, o := range origins {
			s.Attrs[name] = append(s.Attrs[name], plan.Step{What: o.What, At: position(o.Range), Note: o.Note})
		}
	}
	return s
}

// position is a range's file:line:column.
func position(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}
