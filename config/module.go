package config

import (
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// moduleCall is a module block: its source, its inputs, and the scope of
// the module instance it creates.
type moduleCall struct {
	name      string
	block     *hcl.Block
	inputs    hcl.Attributes
	dependsOn hcl.Expression
	child     *scope
}

// output is a module's output block.
type output struct {
	name      string
	expr      hcl.Expression
	sensitive bool
}

func (s *scope) addModuleCall(b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	if prev, dup := s.mods[name]; dup {
		return hcl.Diagnostics{errorAt(b.DefRange, "Duplicate module call",
			s.prefix()+"module."+name+" is already declared at "+rangeText(prev.block.DefRange)+".")}
	}
	attrs, diags := b.Body.JustAttributes()
	mc := &moduleCall{name: name, block: b, inputs: hcl.Attributes{}}
	for n, a := range attrs {
		switch n {
		case "source":
		case "depends_on":
			mc.dependsOn = a.Expr
		default:
			mc.inputs[n] = a
		}
	}
	src, ok := attrs["source"]
	if !ok {
		return append(diags, errorAt(b.DefRange, "Missing required argument",
			"A module block needs source = \"NAME\" or a relative path."))
	}
	srcVal, d := src.Expr.Value(nil)
	if d.HasErrors() || srcVal.Type() != cty.String || srcVal.IsNull() {
		return append(diags, errorAt(src.Expr.Range(), "Invalid module source",
			"source must be a literal string."))
	}
	child, d := s.loadModule(mc, srcVal.AsString(), src.Expr.Range())
	diags = append(diags, d...)
	if child == nil {
		return diags
	}
	mc.child = child
	s.mods[name] = mc
	s.modOrder = append(s.modOrder, mc)
	for n, a := range mc.inputs {
		if _, ok := child.vars[n]; !ok {
			diags = append(diags, errorAt(a.NameRange, "Unsupported argument",
				"The module "+quote(srcVal.AsString())+" has no variable named "+quote(n)+"."))
		}
	}
	return diags
}

// resolveSource finds a module's directory: a path relative to the
// calling scope ("./x", "../x") stays in the caller's tree; a bare name is
// looked up in the repository's modules/ first, then in the library. A
// directory that cannot be looked at (a link out of the repository) is an
// error, not a missing module.
func (s *scope) resolveSource(src string) (t tree, dir string, ok bool, err error) {
	if strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") {
		p := path.Join(s.dir, src)
		if strings.HasPrefix(p, "../") || p == ".." {
			return tree{}, "", false, nil
		}
		ok, err := s.tree.exists(p)
		return s.tree, p, ok, err
	}
	if !validModuleName(src) {
		return tree{}, "", false, nil
	}
	p := path.Join("modules", src)
	if ok, err := s.ld.repo.exists(p); ok || err != nil {
		return s.ld.repo, p, ok, err
	}
	if s.ld.library.fsys != nil {
		if ok, _ := s.ld.library.exists(src); ok {
			return s.ld.library, src, true, nil
		}
	}
	return tree{}, "", false, nil
}

// moduleNames are the bare module names a source may give: the
// repository's modules/ directories and the library's modules.
func (s *scope) moduleNames() []string {
	var out []string
	for _, t := range []struct {
		tree tree
		dir  string
	}{{s.ld.repo, "modules"}, {s.ld.library, "."}} {
		if t.tree.fsys == nil {
			continue
		}
		entries, _ := t.tree.fsys.ReadDir(t.dir)
		for _, e := range entries {
			if e.IsDir() {
				out = append(out, e.Name())
			}
		}
	}
	return out
}

func validModuleName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (s *scope) loadModule(mc *moduleCall, src string, rng hcl.Range) (*scope, hcl.Diagnostics) {
	t, dir, ok, err := s.resolveSource(src)
	if err != nil {
		return nil, hcl.Diagnostics{errorAt(rng, "Cannot read module", t.readError(dir, err)+".")}
	}
	if !ok {
		return nil, hcl.Diagnostics{errorAt(rng, "Module not found",
			"No module "+quote(src)+" in this repository's modules/ nor in the module library; relative sources start with ./ or ../."+
				didYouMean(src, s.moduleNames()))}
	}
	if len(s.path) >= maxModuleDepth {
		return nil, hcl.Diagnostics{errorAt(rng, "Module nesting too deep",
			"Modules call each other more than 16 levels deep; is a module calling itself?")}
	}
	child := newScope(s.ld, s, mc, t, dir)
	var diags hcl.Diagnostics
	names, err := hclFiles(t, dir)
	if err != nil {
		return nil, hcl.Diagnostics{errorAt(rng, "Cannot read module", t.readError(dir, err)+".")}
	}
	if len(names) == 0 {
		return nil, hcl.Diagnostics{errorAt(rng, "Empty module", "The module directory "+t.name(dir)+" holds no .hcl files.")}
	}
	for _, name := range names {
		f, d := s.ld.files.parse(t, name, &rng)
		diags = append(diags, d...)
		if f == nil {
			continue
		}
		content, d := f.Body.Content(moduleFileSchema)
		diags = append(diags, d...)
		diags = append(diags, child.addModuleBlocks(content.Blocks)...)
	}
	return child, diags
}

const maxModuleDepth = 16

func (s *scope) addModuleBlocks(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var rest hcl.Blocks
	for _, b := range blocks {
		switch b.Type {
		case "variable":
			v, d := decodeVariable(b)
			diags = append(diags, d...)
			if _, dup := s.vars[v.name]; dup {
				diags = append(diags, errorAt(b.DefRange, "Duplicate variable", "var."+v.name+" is declared twice."))
				continue
			}
			s.vars[v.name] = v
		case "output":
			o, d := decodeOutput(b)
			diags = append(diags, d...)
			if _, dup := s.outputs[o.name]; dup || o.expr == nil {
				if dup {
					diags = append(diags, errorAt(b.DefRange, "Duplicate output", "output "+quote(o.name)+" is declared twice."))
				}
				continue
			}
			s.outputs[o.name] = o
			s.outOrder = append(s.outOrder, o)
		default:
			rest = append(rest, b)
		}
	}
	return append(diags, s.addBlocks(rest)...)
}

func decodeOutput(b *hcl.Block) (*output, hcl.Diagnostics) {
	content, diags := b.Body.Content(outputSchema)
	o := &output{name: b.Labels[0]}
	if a, ok := content.Attributes["value"]; ok {
		o.expr = a.Expr
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		v, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		o.sensitive = !d.HasErrors() && v.Type() == cty.Bool && v.True()
	}
	return o, diags
}

// moduleValue is module.NAME: an object of the module's outputs.
func (s *scope) moduleValue(name string, rng hcl.Range) (value, hcl.Diagnostics) {
	mc, ok := s.mods[name]
	if !ok {
		return value{}, hcl.Diagnostics{errorAt(rng, "Reference to undeclared module",
			"No module call named "+quote(name)+" is declared in this "+s.kindOfScope()+"."+didYouMean(name, names(s.mods)))}
	}
	return s.memoized("module."+name, rng, func() (value, hcl.Diagnostics) {
		return mc.child.outputsValue()
	})
}

func (s *scope) outputsValue() (value, hcl.Diagnostics) {
	out := value{deps: map[*resBlock]bool{}}
	vals := map[string]cty.Value{}
	var diags hcl.Diagnostics
	for _, o := range s.outOrder {
		v, d := s.memoized("output."+o.name, o.expr.Range(), func() (value, hcl.Diagnostics) {
			return s.eval(o.expr, evalCtx{})
		})
		diags = append(diags, d...)
		val := v.val
		if o.sensitive {
			val = val.Mark(sensitiveMark)
		}
		vals[o.name] = val
		for r := range v.deps {
			out.deps[r] = true
		}
		out.origins = mergeOrigins(out.origins, v.origins...)
	}
	out.val = cty.ObjectVal(vals)
	return out, diags
}
