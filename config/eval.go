package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalCtx carries per-expression extras: the for_each "each" object.
type evalCtx struct {
	each *cty.Value
	// dataOnly restricts references to data.* and node.* (data layers).
	dataOnly bool
}

// eval evaluates expr in the scope, resolving every reference it makes
// (and only those) first, so declarations may appear in any order.
func (s *scope) eval(expr hcl.Expression, ec evalCtx) (value, hcl.Diagnostics) {
	out := value{deps: map[*resBlock]bool{}}
	var diags hcl.Diagnostics
	vars := map[string]map[string]cty.Value{}
	for _, tr := range expr.Variables() {
		root, attr, v, d := s.resolve(tr, ec)
		diags = append(diags, d...)
		if root == "" {
			continue
		}
		if vars[root] == nil {
			vars[root] = map[string]cty.Value{}
		}
		if attr == "" {
			vars[root][""] = v.val
		} else {
			vars[root][attr] = v.val
		}
		for r := range v.deps {
			out.deps[r] = true
		}
		out.origins = mergeOrigins(out.origins, v.origins...)
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: s.functions()}
	for root, m := range vars {
		if v, whole := m[""]; whole {
			ctx.Variables[root] = v
			continue
		}
		ctx.Variables[root] = cty.ObjectVal(m)
	}
	if diags.HasErrors() {
		out.val = cty.DynamicVal
		return out, diags
	}
	val, d := expr.Value(ctx)
	diags = append(diags, d...)
	if d.HasErrors() {
		val = cty.DynamicVal
	}
	out.val = val
	return out, diags
}

// resolve evaluates what one traversal refers to. It returns the root name
// and attribute under which the value goes into the evaluation context;
// an empty root means the reference failed (and was reported).
func (s *scope) resolve(tr hcl.Traversal, ec evalCtx) (string, string, value, hcl.Diagnostics) {
	root := tr.RootName()
	if ec.dataOnly && root != "data" && root != "node" {
		return "", "", value{}, hcl.Diagnostics{errorAt(tr.SourceRange(), "Invalid reference in data",
			"Data layers may refer only to data.* and node.*, not to "+root+".")}
	}
	switch root {
	case "node":
		return root, "", value{val: s.ld.nodeValue()}, nil
	case "each":
		if ec.each == nil {
			return "", "", value{}, hcl.Diagnostics{errorAt(tr.SourceRange(), "Reference to \"each\" outside for_each",
				"each.key and each.value exist only inside a resource with for_each.")}
		}
		return root, "", value{val: *ec.each}, nil
	}
	name, ok := attrName(tr)
	if !ok {
		return "", "", value{}, hcl.Diagnostics{errorAt(tr.SourceRange(), "Invalid reference",
			"A reference to "+root+" must name an attribute, as in "+root+".NAME.")}
	}
	rng := tr.SourceRange()
	var v value
	var diags hcl.Diagnostics
	switch root {
	case "var":
		v, diags = s.variableValue(name, rng)
	case "local":
		v, diags = s.localValue(name, rng)
	case "data":
		v, diags = s.dataValue(name, rng)
	case "module":
		v, diags = s.moduleValue(name, rng)
	default:
		if _, isKind := s.ld.reg.Kind(root); !isKind {
			return "", "", value{}, hcl.Diagnostics{errorAt(rng, "Unknown reference",
				fmt.Sprintf("%q is not a variable, local, data, module, node, each or resource kind.", root)+
					didYouMean(root, append([]string{"var", "local", "data", "module", "node", "each"}, s.ld.reg.Names()...)))}
		}
		v, diags = s.resourceValue(root, name, rng)
	}
	if diags.HasErrors() {
		return "", "", value{}, diags
	}
	return root, name, v, diags
}

func attrName(tr hcl.Traversal) (string, bool) {
	if len(tr) < 2 {
		return "", false
	}
	a, ok := tr[1].(hcl.TraverseAttr)
	return a.Name, ok
}

// maxReferenceDepth bounds a chain of declarations whose values refer to
// each other: each link is evaluated recursively, and tens of thousands of
// them (local.a0 = [local.a1], local.a1 = [local.a2], ...) exhaust the
// stack, which is a fatal error, not a panic.
const maxReferenceDepth = 256

// maxValueDepth bounds how deeply a declaration's value nests. Each
// expression nests at most repofile.MaxNesting deep, but a chain of
// references wraps one value in another (local.a0 = [[...local.a1...]]),
// and cty walks values recursively: tens of thousands of levels exhaust
// the stack.
const maxValueDepth = 1024

// maxValueElements bounds how many elements, counted at every level, a
// declaration's value holds. Values share structure, so a short chain
// (local.a0 = [local.a1, local.a1], ...) builds one with 2^40 leaves in
// microseconds, and whatever walks it (jsonencode, a content diff, the
// depth check itself) then runs for days.
const maxValueElements = 1 << 20

// valueWalk measures a value, giving up as soon as it passes either bound:
// the walk costs at most maxValueElements steps whatever the value.
type valueWalk struct{ elements int }

// depth is how deeply v nests collections and structures, counted no
// further than limit+1, and no further once w has counted more than
// maxValueElements elements.
func (w *valueWalk) depth(v cty.Value, limit int) int {
	v, _ = v.Unmark()
	if limit < 0 || !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
		return 0
	}
	deepest := 0
	for it := v.ElementIterator(); it.Next() && deepest <= limit && w.elements <= maxValueElements; {
		w.elements++
		k, e := it.Element()
		deepest = max(deepest, w.depth(k, limit-1), w.depth(e, limit-1))
	}
	return deepest + 1
}

// objectDepth is depth for an object of n attributes whose values'
// depths elem gives, in iteration order, without the object.
func (w *valueWalk) objectDepth(n, limit int, elem func(i, limit int) int) int {
	if limit < 0 {
		return 0
	}
	deepest := 0
	for i := 0; i < n && deepest <= limit && w.elements <= maxValueElements; i++ {
		w.elements++
		deepest = max(deepest, elem(i, limit-1))
	}
	return deepest + 1
}

// checkValue says why the value of key at rng is refused: nested deeper
// than maxValueDepth, or holding more than maxValueElements elements.
func checkValue(key string, rng hcl.Range, v cty.Value) *hcl.Diagnostic {
	var w valueWalk
	depth := w.depth(v, maxValueDepth)
	return limitError(key, rng, depth, w.elements)
}

// limitError is checkValue's verdict on a value of that depth and count
// of elements, as valueWalk counts them.
func limitError(key string, rng hcl.Range, depth, elements int) *hcl.Diagnostic {
	switch {
	case depth > maxValueDepth:
		return errorAt(rng, "Value nested too deep",
			fmt.Sprintf("The value of %s nests lists, maps or objects more than %d levels deep; tend refuses deeper values.", key, maxValueDepth))
	case elements > maxValueElements:
		return errorAt(rng, "Value too large",
			fmt.Sprintf("The value of %s holds more than %d elements (counting those of nested lists, maps and objects); tend refuses larger values.", key, maxValueElements))
	}
	return nil
}

// memoized evaluates one named declaration once per scope, reporting a
// cycle when it is reached again while still being evaluated, a chain
// of references longer than maxReferenceDepth and a value nested deeper
// than maxValueDepth.
func (s *scope) memoized(key string, rng hcl.Range, f func() (value, hcl.Diagnostics)) (value, hcl.Diagnostics) {
	if m, ok := s.memo[key]; ok {
		if m.busy {
			return value{val: cty.DynamicVal}, hcl.Diagnostics{errorAt(rng, "Dependency cycle",
				s.ld.cycleText(s.prefix()+key))}
		}
		return m.v, nil
	}
	if len(s.ld.stack) >= maxReferenceDepth {
		return value{val: cty.DynamicVal}, hcl.Diagnostics{errorAt(rng, "References nested too deep",
			fmt.Sprintf("This value is computed through a chain of more than %d references (locals, data, variables, module outputs and resources referring to each other); tend refuses deeper chains.", maxReferenceDepth))}
	}
	m := &memo{busy: true}
	s.memo[key] = m
	s.ld.stack = append(s.ld.stack, s.prefix()+key)
	v, diags := f()
	s.ld.stack = s.ld.stack[:len(s.ld.stack)-1]
	if !diags.HasErrors() {
		if d := checkValue(key, rng, v.val); d != nil {
			v.val = cty.DynamicVal
			diags = append(diags, d)
		}
	}
	m.busy, m.v = false, v
	return v, diags
}

// cycleText renders the evaluation stack from key's first appearance.
func (ld *loader) cycleText(key string) string {
	for i, k := range ld.stack {
		if k == key {
			return "The value refers to itself: " + strings.Join(append(append([]string(nil), ld.stack[i:]...), key), " -> ") + "."
		}
	}
	return key + " refers to itself."
}

func (s *scope) localValue(name string, rng hcl.Range) (value, hcl.Diagnostics) {
	a, ok := s.locals[name]
	if !ok {
		return value{}, hcl.Diagnostics{errorAt(rng, "Reference to undeclared local value",
			"No local value named "+quote(name)+" is declared in this "+s.kindOfScope()+"."+didYouMean(name, names(s.locals)))}
	}
	return s.memoized("local."+name, rng, func() (value, hcl.Diagnostics) {
		v, diags := s.eval(a.Expr, evalCtx{})
		v.origins = mergeOrigins([]Origin{{What: "local." + name, Range: a.Expr.Range()}}, v.origins...)
		return v, diags
	})
}

func (s *scope) kindOfScope() string {
	if s.parent == nil {
		return "node"
	}
	return "module"
}
