package catalogdiff

import (
	"encoding/json"
	"strings"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// snapshot is what a catalog asks of the node, kept small: the desired
// value of every set attribute of every instance, as text.
type snapshot struct {
	order     []string
	instances map[string][]attr
}

// attr is one attribute's desired value.
type attr struct {
	name      string
	text      string
	sensitive bool
}

func snapshotOf(cat *config.Catalog) *snapshot {
	s := &snapshot{instances: map[string][]attr{}}
	for _, inst := range cat.Instances {
		addr := inst.Addr.String()
		var attrs []attr
		for _, as := range inst.Kind.Schema().Attrs {
			v, ok := inst.Config.Values[as.Name]
			if !ok || v.IsNull() {
				continue
			}
			attrs = append(attrs, attr{name: as.Name, text: valueText(v), sensitive: inst.Config.Sensitive[as.Name]})
		}
		s.order = append(s.order, addr)
		s.instances[addr] = attrs
	}
	return s
}

// valueText is a desired value as a plan compares it: text as it is,
// other values as JSON; a value depending on what a run reads on the host
// says so.
func valueText(v cty.Value) string {
	switch {
	case !v.IsKnown():
		return "(known after reading the host)"
	case !v.IsWhollyKnown():
		return "(partly known after reading the host)"
	case v.Type() == cty.String:
		return v.AsString()
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return v.GoString()
	}
	var compact json.RawMessage = b
	return string(compact)
}

// compare fills a node's resources added, removed and changed between
// two snapshots; a side that is nil has no resources.
func compare(n *Node, old, new *snapshot) {
	if old == nil {
		old = &snapshot{}
	}
	if new == nil {
		new = &snapshot{}
	}
	for _, addr := range old.order {
		if _, ok := new.instances[addr]; !ok {
			n.Removed = append(n.Removed, addr)
		}
	}
	for _, addr := range new.order {
		before, ok := old.instances[addr]
		if !ok {
			n.Added = append(n.Added, addr)
			continue
		}
		if r := changed(addr, before, new.instances[addr]); r != nil {
			n.Changed = append(n.Changed, *r)
		}
	}
}

// changed compares one resource's attributes, in schema order; nil when
// none differs.
func changed(addr string, old, new []attr) *Resource {
	byName := map[string]attr{}
	var names []string
	for _, a := range old {
		byName[a.name] = a
		names = append(names, a.name)
	}
	for _, a := range new {
		if _, ok := byName[a.name]; !ok {
			names = append(names, a.name)
		}
	}
	after := map[string]attr{}
	for _, a := range new {
		after[a.name] = a
	}
	r := &Resource{Address: addr}
	for _, name := range names {
		o, n := byName[name], after[name]
		if o.text == n.text && o.sensitive == n.sensitive {
			continue
		}
		sensitive := o.sensitive || n.sensitive
		if strings.Contains(o.text, "\n") || strings.Contains(n.text, "\n") {
			r.Content = append(r.Content, resources.DiffText(addr+"."+name, []byte(o.text), []byte(n.text), sensitive))
			continue
		}
		r.Attrs = append(r.Attrs, resources.NewAttrChange(name, o.text, n.text, sensitive))
	}
	if len(r.Attrs) == 0 && len(r.Content) == 0 {
		return nil
	}
	return r
}
