package config

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// scope is one module instance: the node itself (with its roles), or a
// module call. It holds the declarations and memoizes their evaluation.
type scope struct {
	ld     *loader
	path   []string // module call names from the node down
	tree   tree
	dir    string      // base of relative file names in this scope
	parent *scope      // nil for the node
	call   *moduleCall // the call that made this scope; nil for the node

	vars     map[string]*variable
	locals   map[string]*hcl.Attribute
	res      map[string]*resBlock // by "kind.name"
	resOrder []*resBlock
	mods     map[string]*moduleCall
	modOrder []*moduleCall
	outputs  map[string]*output
	outOrder []*output

	memo  map[string]*memo
	funcs map[string]function.Function
}

// value is an evaluated expression with what it depends on: the resource
// blocks it references (which become graph edges) and its origins.
type value struct {
	val     cty.Value
	deps    map[*resBlock]bool
	origins []Origin
}

type memo struct {
	busy bool
	v    value
}

func newScope(ld *loader, parent *scope, call *moduleCall, t tree, dir string) *scope {
	s := &scope{
		ld: ld, parent: parent, call: call, tree: t, dir: dir,
		vars: map[string]*variable{}, locals: map[string]*hcl.Attribute{},
		res: map[string]*resBlock{}, mods: map[string]*moduleCall{},
		outputs: map[string]*output{}, memo: map[string]*memo{},
	}
	if parent != nil {
		s.path = append(append([]string(nil), parent.path...), call.name)
	}
	return s
}

// prefix is the scope's address prefix, "module.a.module.b." or "".
func (s *scope) prefix() string {
	if len(s.path) == 0 {
		return ""
	}
	return resources.Address{Module: s.path}.ModulePath() + "."
}

// addBlocks takes the resource, module and locals blocks of one body into
// the scope, reporting duplicates.
func (s *scope) addBlocks(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range blocks {
		switch b.Type {
		case "resource":
			diags = append(diags, s.addResource(b)...)
		case "module":
			diags = append(diags, s.addModuleCall(b)...)
		case "locals":
			diags = append(diags, s.addLocals(b)...)
		}
	}
	return diags
}

func (s *scope) addLocals(b *hcl.Block) hcl.Diagnostics {
	attrs, diags := b.Body.JustAttributes()
	for name, a := range attrs {
		if prev, dup := s.locals[name]; dup {
			diags = append(diags, errorAt(a.NameRange, "Duplicate local value",
				"local."+name+" is already defined at "+rangeText(prev.NameRange)+"."))
			continue
		}
		s.locals[name] = a
	}
	return diags
}

func (s *scope) addResource(b *hcl.Block) hcl.Diagnostics {
	kindName, name := b.Labels[0], b.Labels[1]
	kind, ok := s.ld.reg.Kind(kindName)
	if !ok {
		return hcl.Diagnostics{errorAt(b.LabelRanges[0], "Unknown resource kind",
			"There is no resource kind "+quote(kindName)+"; known kinds: "+strings.Join(s.ld.reg.Names(), ", ")+"."+didYouMean(kindName, s.ld.reg.Names()))}
	}
	key := kindName + "." + name
	if prev, dup := s.res[key]; dup {
		return hcl.Diagnostics{errorAt(b.DefRange, "Duplicate resource",
			s.prefix()+key+" is already declared at "+rangeText(prev.block.DefRange)+".")}
	}
	rb, diags := newResBlock(s, kind, b)
	s.res[key] = rb
	s.resOrder = append(s.resOrder, rb)
	return diags
}

func rangeText(r hcl.Range) string {
	return r.Filename + ":" + strconv.Itoa(r.Start.Line) + ":" + strconv.Itoa(r.Start.Column)
}

func quote(s string) string { return `"` + s + `"` }
