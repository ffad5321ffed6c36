package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable is a module's typed input.
type variable struct {
	name        string
	decl        hcl.Range
	typ         cty.Type
	def         hcl.Expression // nil when required
	sensitive   bool
	validations []validation
}

type validation struct {
	condition hcl.Expression
	message   hcl.Expression
}

func decodeVariable(b *hcl.Block) (*variable, hcl.Diagnostics) {
	content, diags := b.Body.Content(variableSchema)
	v := &variable{name: b.Labels[0], decl: b.DefRange, typ: cty.DynamicPseudoType}
	if a, ok := content.Attributes["type"]; ok {
		t, d := typeexpr.TypeConstraint(a.Expr)
		diags = append(diags, d...)
		v.typ = t
	}
	if a, ok := content.Attributes["default"]; ok {
		v.def = a.Expr
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		v.sensitive = !d.HasErrors() && val.Type() == cty.Bool && val.True()
	}
	for _, vb := range content.Blocks {
		c, d := vb.Body.Content(validationSchema)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		v.validations = append(v.validations, validation{
			condition: c.Attributes["condition"].Expr, message: c.Attributes["error_message"].Expr,
		})
	}
	return v, diags
}

// variableValue is var.NAME in this scope: the caller's input, else the
// default, converted to the declared type and validated.
func (s *scope) variableValue(name string, rng hcl.Range) (value, hcl.Diagnostics) {
	decl, ok := s.vars[name]
	if !ok {
		return value{}, hcl.Diagnostics{errorAt(rng, "Reference to undeclared input variable",
			"No variable named "+quote(name)+" is declared in this "+s.kindOfScope()+"."+didYouMean(name, names(s.vars)))}
	}
	return s.memoized("var."+name, rng, func() (value, hcl.Diagnostics) {
		v, at, diags := s.variableInput(decl)
		if diags.HasErrors() {
			return value{val: cty.DynamicVal}, diags
		}
		conv, err := convert.Convert(v.val, decl.typ)
		if err != nil {
			return value{val: cty.DynamicVal}, append(diags, errorAt(at, "Invalid value for variable",
				"var."+name+": "+conversionError(err, v.val)+"."))
		}
		v.val = conv
		if decl.sensitive {
			s.ld.noteSecret(v.val)
			v.val = v.val.Mark(sensitiveMark)
		}
		diags = append(diags, s.checkValidations(decl, v.val, at)...)
		v.origins = mergeOrigins([]Origin{{What: "var." + name, Range: at}}, v.origins...)
		return v, diags
	})
}

// variableInput finds the value given for a variable and where it is
// written.
func (s *scope) variableInput(decl *variable) (value, hcl.Range, hcl.Diagnostics) {
	if s.call != nil {
		if a, ok := s.call.inputs[decl.name]; ok {
			v, diags := s.parent.eval(a.Expr, evalCtx{})
			return v, a.Expr.Range(), diags
		}
	}
	if decl.def != nil {
		val, diags := decl.def.Value(&hcl.EvalContext{Functions: s.functions()})
		return value{val: val, deps: map[*resBlock]bool{}}, decl.def.Range(), diags
	}
	at := decl.decl
	if s.call != nil {
		at = s.call.block.DefRange
	}
	return value{}, at, hcl.Diagnostics{errorAt(at, "Missing required variable",
		"The module requires a value for "+quote(decl.name)+", declared at "+rangeText(decl.decl)+".")}
}

func (s *scope) checkValidations(decl *variable, val cty.Value, at hcl.Range) hcl.Diagnostics {
	vars, diags := s.validationVars(decl, val)
	if diags.HasErrors() {
		return diags
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)},
		Functions: s.functions(),
	}
	for _, vd := range decl.validations {
		ok, d := vd.condition.Value(ctx)
		diags = append(diags, d...)
		if d.HasErrors() || !ok.IsKnown() {
			continue
		}
		ok, _ = ok.Unmark()
		if ok.Type() != cty.Bool || ok.IsNull() {
			diags = append(diags, errorAt(vd.condition.Range(), "Invalid validation condition",
				"The condition must be true or false."))
			continue
		}
		if ok.True() {
			continue
		}
		msg, d := vd.message.Value(ctx)
		diags = append(diags, d...)
		text := "the value is not valid"
		switch {
		case msg.ContainsMarked():
			text = "the value is not valid; the error message is not shown, as it holds a " + sensitiveValue
		case !d.HasErrors() && msg.Type() == cty.String && msg.IsKnown():
			text = msg.AsString()
		}
		diags = append(diags, errorAt(at, "Invalid value for variable", "var."+decl.name+": "+text))
	}
	return diags
}

// validationVars is what a variable's validations see: the value being
// checked, and every other variable of the module their conditions and
// messages name, so that one input can be checked against another (a
// certificate required but not given, unless a fallback is allowed).
func (s *scope) validationVars(decl *variable, val cty.Value) (map[string]cty.Value, hcl.Diagnostics) {
	vars := map[string]cty.Value{decl.name: val}
	var diags hcl.Diagnostics
	for _, vd := range decl.validations {
		for _, tr := range append(vd.condition.Variables(), vd.message.Variables()...) {
			name, ok := attrName(tr)
			if tr.RootName() != "var" || !ok || vars[name] != cty.NilVal {
				continue
			}
			v, d := s.variableValue(name, tr.SourceRange())
			diags = append(diags, d...)
			vars[name] = v.val
		}
	}
	return vars, diags
}
