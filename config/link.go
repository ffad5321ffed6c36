package config

import (
	"errors"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
	"github.com/zclconf/go-cty/cty"
)

// link binds every instance to its kind, builds the graph from references,
// depends_on, notify and implicit needs, and checks for conflicts and
// cycles.
func (ld *loader) link(cat *Catalog) hcl.Diagnostics {
	index := map[*Instance]int{}
	for i, inst := range cat.Instances {
		index[inst] = i
	}
	g := graph.New(len(cat.Instances))
	cat.Graph = g
	diags := ld.bind(cat)
	for i, inst := range cat.Instances {
		rb := inst.block
		for dep := range rb.deps {
			for _, d := range dep.instances {
				g.AddEdge(index[d], i, "reference")
			}
		}
		targets, d := rb.scope.resolveTargets(rb.content.Attributes["depends_on"])
		diags = append(diags, d...)
		for _, t := range targets {
			g.AddEdge(index[t], i, "depends_on")
		}
		targets, d = rb.scope.resolveTargets(rb.content.Attributes["notify"])
		diags = append(diags, d...)
		for _, t := range targets {
			inst.Notify = append(inst.Notify, index[t])
			g.AddEdge(i, index[t], "notify")
		}
	}
	diags = append(diags, ld.root.moduleDependsOn(g, index)...)
	diags = append(diags, implicitEdges(cat)...)
	if diags.HasErrors() {
		return diags
	}
	if c := g.Cycle(); c != nil {
		var names []string
		for _, n := range c {
			names = append(names, cat.Instances[n].Addr.String())
		}
		diags = append(diags, errorAt(cat.Instances[c[0]].Decl, "Dependency cycle",
			"Resources depend on each other in a circle: "+strings.Join(names, " -> ")+"."))
		return diags
	}
	return append(diags, transactionOrder(cat)...)
}

// transactionOrder reports a member of an all-or-nothing batch (the files
// of one file_group) that depends, directly or not, on another member:
// they are applied in one step, so neither could go first.
func transactionOrder(cat *Catalog) hcl.Diagnostics {
	members := map[string][]int{}
	for i, inst := range cat.Instances {
		if tx, ok := inst.Resource.(resources.Transaction); ok && tx.AllOrNothing() {
			members[tx.BatchKey()] = append(members[tx.BatchKey()], i)
		}
	}
	var diags hcl.Diagnostics
	for _, i := range sortedMembers(members) {
		before := cat.Graph.Ancestors(i)
		for _, j := range members[cat.Instances[i].Resource.(resources.Batcher).BatchKey()] {
			if slices.Contains(before, j) {
				inst, other := cat.Instances[i], cat.Instances[j]
				diags = append(diags, errorAt(inst.Decl, "Dependency inside a file group",
					inst.Addr.String()+" depends on "+other.Addr.String()+" (directly or not), but they go live together, in one step. "+
						"Refer to what it needs from "+other.Addr.String()+" through a local value, not through the resource."))
				break
			}
		}
	}
	return diags
}

// sortedMembers is every member of every batch, in catalog order.
func sortedMembers(members map[string][]int) []int {
	var all []int
	for _, ms := range members {
		all = append(all, ms...)
	}
	slices.Sort(all)
	return all
}

// bind asks each instance's kind for its identities and binds it.
func (ld *loader) bind(cat *Catalog) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, inst := range cat.Instances {
		if inst.Deferred {
			continue
		}
		var r resources.Resource
		err := resources.Guard(func() (err error) {
			inst.Identities = inst.Kind.Identities(inst.Config)
			r, err = inst.Kind.New(inst.Config)
			return err
		})
		if err != nil {
			diags = append(diags, errorAt(inst.errorRange(err), "Invalid resource", inst.Addr.String()+": "+inst.bindError(err)))
			continue
		}
		inst.Resource = r
	}
	return diags
}

// implicitEdges reports two instances managing one thing, and orders each
// instance against whatever manages the identities its kind orders it by.
func implicitEdges(cat *Catalog) hcl.Diagnostics {
	owner, diags := owners(cat)
	byClass := map[resources.Class][]int{}
	for id, i := range owner {
		byClass[id.Class()] = append(byClass[id.Class()], i)
	}
	for _, is := range byClass {
		slices.Sort(is)
	}
	for i, inst := range cat.Instances {
		if inst.Deferred {
			continue
		}
		var order []resources.Order
		if err := resources.Guard(func() error { order = inst.Kind.Order(inst.Config); return nil }); err != nil {
			diags = append(diags, errorAt(inst.Decl, "Invalid resource", inst.Addr.String()+": "+inst.bindError(err)))
			continue
		}
		for _, o := range order {
			others := byClass[o.ID.Class()]
			if !o.Whole() {
				j, ok := owner[o.ID]
				others = nil
				if ok {
					others = []int{j}
				}
			}
			for _, j := range others {
				orderEdge(cat, i, j, o)
			}
		}
	}
	return diags
}

// owners maps each identity to the instance managing it; a second
// instance claiming one is a diagnostic.
func owners(cat *Catalog) (map[resources.ID]int, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	owner := map[resources.ID]int{}
	for i, inst := range cat.Instances {
		for _, id := range inst.Identities {
			j, dup := owner[id]
			switch {
			case dup && j == i:
				continue
			case dup:
				other := cat.Instances[j]
				diags = append(diags, errorAt(inst.Decl, "Conflicting resources",
					inst.Addr.String()+" and "+other.Addr.String()+" (at "+rangeText(other.Decl)+") both manage "+id.String()+"."))
				continue
			}
			owner[id] = i
		}
	}
	return owner, diags
}

// orderEdge adds the edge o asks for between instance i and j, the one
// managing what o names.
func orderEdge(cat *Catalog, i, j int, o resources.Order) {
	if i == j {
		return
	}
	if o.Before {
		cat.Graph.AddEdge(i, j, "before "+describeOrder(o))
		return
	}
	cat.Graph.AddEdge(j, i, "needs "+describeOrder(o))
}

func describeOrder(o resources.Order) string {
	if o.Whole() {
		return "every " + string(o.ID.Class())
	}
	return o.ID.String()
}

// resolveTargets reads a depends_on or notify list: references to
// resources (KIND.NAME, KIND.NAME["key"]) or module calls (module.NAME).
func (s *scope) resolveTargets(a *hcl.Attribute) ([]*Instance, hcl.Diagnostics) {
	if a == nil {
		return nil, nil
	}
	exprs, diags := hcl.ExprList(a.Expr)
	var out []*Instance
	for _, e := range exprs {
		tr, d := hcl.AbsTraversalForExpr(e)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		insts, d := s.target(tr)
		diags = append(diags, d...)
		out = append(out, insts...)
	}
	return out, diags
}

func (s *scope) target(tr hcl.Traversal) ([]*Instance, hcl.Diagnostics) {
	name, ok := attrName(tr)
	bad := hcl.Diagnostics{errorAt(tr.SourceRange(), "Invalid reference",
		"Expected a resource (KIND.NAME) or a module call (module.NAME).")}
	if !ok {
		return nil, bad
	}
	if tr.RootName() == "module" {
		mc, ok := s.mods[name]
		if !ok || len(tr) != 2 {
			return nil, hcl.Diagnostics{errorAt(tr.SourceRange(), "Reference to undeclared module",
				"No module call named "+quote(name)+" is declared here."+didYouMean(name, names(s.mods)))}
		}
		return mc.child.instances(), nil
	}
	rb, ok := s.res[tr.RootName()+"."+name]
	if !ok {
		return nil, hcl.Diagnostics{errorAt(tr.SourceRange(), "Reference to undeclared resource",
			"No resource "+tr.RootName()+"."+name+" is declared here."+didYouMean(tr.RootName()+"."+name, names(s.res)))}
	}
	if len(tr) == 2 {
		return rb.instances, nil
	}
	idx, ok := tr[2].(hcl.TraverseIndex)
	if !ok || len(tr) != 3 || !idx.Key.Type().Equals(cty.String) {
		return nil, bad
	}
	for _, inst := range rb.instances {
		if inst.Addr.Key == idx.Key.AsString() {
			return []*Instance{inst}, nil
		}
	}
	return nil, hcl.Diagnostics{errorAt(tr.SourceRange(), "Reference to undeclared instance",
		"Resource "+tr.RootName()+"."+name+" has no instance "+quote(idx.Key.AsString())+".")}
}

// moduleDependsOn makes every instance inside a module call with
// depends_on wait for the named targets.
func (s *scope) moduleDependsOn(g *graph.Graph, index map[*Instance]int) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, mc := range s.modOrder {
		if mc.dependsOn != nil {
			targets, d := s.resolveTargets(&hcl.Attribute{Name: "depends_on", Expr: mc.dependsOn})
			diags = append(diags, d...)
			for _, inst := range mc.child.instances() {
				for _, t := range targets {
					g.AddEdge(index[t], index[inst], "depends_on")
				}
			}
		}
		diags = append(diags, mc.child.moduleDependsOn(g, index)...)
	}
	return diags
}

// errorRange is where a bind error points: at the attribute an AttrError
// names when it is set, else at the resource block.
func (inst *Instance) errorRange(err error) hcl.Range {
	var ae *resources.AttrError
	if errors.As(err, &ae) {
		if a, ok := inst.block.content.Attributes[ae.Attr]; ok {
			return a.Expr.Range()
		}
	}
	return inst.Decl
}

// bindError is the text of a Kind.New error. Kinds quote the values they
// refuse, and know only the sensitivity their schema declares: an error
// about an attribute made sensitive by its value (sensitive(),
// decrypt()) is replaced, and the values of the instance's sensitive
// attributes are masked in any other.
func (inst *Instance) bindError(err error) string {
	var ae *resources.AttrError
	if errors.As(err, &ae) && inst.Config.Sensitive[ae.Attr] && !schemaSensitive(inst.block.schema, ae.Attr) {
		return ae.Attr + ": the " + sensitiveValue + " is not valid here; the reason is not shown, as it may quote the value"
	}
	if p := new(resources.PanicError); errors.As(err, &p) {
		return maskAll("the "+inst.Addr.Kind+" kind failed: "+p.Short(), inst.Secrets())
	}
	return maskAll(err.Error(), inst.Secrets())
}

// Secrets lists the texts of the instance's sensitive attributes (map
// keys included) and its sensitive for_each key: what the instance's own
// messages must not show, however short.
func (inst *Instance) Secrets() []string {
	var secrets []string
	for name, v := range inst.Config.Values {
		if inst.Config.Sensitive[name] {
			secrets = append(secrets, stringsIn(v)...)
		}
	}
	if inst.Addr.KeyTag != "" {
		secrets = append(secrets, inst.Addr.Key)
	}
	return secrets
}

func schemaSensitive(s resources.Schema, attr string) bool {
	as, _ := s.Attr(attr)
	return as.Sensitive
}
