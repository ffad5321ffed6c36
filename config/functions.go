package config

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config/repofile"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// sensitiveMark marks values that must never be printed.
type marker string

const sensitiveMark = marker("sensitive")

// stdFunctions are the functions every scope has; file functions are
// added per scope because they resolve names against the scope's
// directory.
var stdFunctions = map[string]function.Function{
	"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc,
	"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc,
	"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
	"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
	"csvdecode": stdlib.CSVDecodeFunc, "distinct": stdlib.DistinctFunc,
	"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "floor": stdlib.FloorFunc,
	"format": boundedFormat(stdlib.FormatFunc), "formatdate": stdlib.FormatDateFunc,
	"formatlist": boundedFormat(stdlib.FormatListFunc), "indent": stdlib.IndentFunc,
	"index": stdlib.IndexFunc, "join": stdlib.JoinFunc, "jsondecode": jsonDecodeFunc,
	"jsonencode": stdlib.JSONEncodeFunc, "keys": stdlib.KeysFunc, "length": stdlib.LengthFunc,
	"log": stdlib.LogFunc, "lookup": stdlib.LookupFunc, "lower": stdlib.LowerFunc,
	"max": stdlib.MaxFunc, "merge": stdlib.MergeFunc, "min": stdlib.MinFunc,
	"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "range": stdlib.RangeFunc,
	"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
	"regex_replace": stdlib.RegexReplaceFunc, "replace": stdlib.ReplaceFunc,
	"reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
	"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc,
	"setunion": stdlib.SetUnionFunc, "signum": stdlib.SignumFunc, "slice": stdlib.SliceFunc,
	"sort": stdlib.SortFunc, "split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc,
	"substr": stdlib.SubstrFunc, "timeadd": stdlib.TimeAddFunc, "title": stdlib.TitleFunc,
	"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
	"trimspace": stdlib.TrimSpaceFunc, "trimsuffix": stdlib.TrimSuffixFunc,
	"upper": stdlib.UpperFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
	"tobool": stdlib.MakeToFunc(cty.Bool), "tonumber": stdlib.MakeToFunc(cty.Number),
	"tostring": stdlib.MakeToFunc(cty.String),
	"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
	"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
}

// jsonDecodeFunc is cty's jsondecode, refusing JSON nested deeper than
// its recursive decoder can take.
var jsonDecodeFunc = function.New(&function.Spec{
	Params: stdlib.JSONDecodeFunc.Params(),
	Type: func(args []cty.Value) (cty.Type, error) {
		if s := args[0]; s.IsKnown() && !s.IsNull() {
			if err := repofile.CheckJSON(s.AsString()); err != nil {
				return cty.NilType, function.NewArgError(0, err)
			}
		}
		return stdlib.JSONDecodeFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return stdlib.JSONDecodeFunc.Call(args)
	},
})

// sensitiveFunc marks its argument: plans, reports and logs print it as
// "(sensitive)", and diffs of content built from it show no line text.
// The loader remembers the value, so that it is redacted wherever a
// resource or provider echoes it.
func (s *scope) sensitiveFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowMarked: true, AllowNull: true}},
		Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s.ld.noteSecret(args[0])
			return args[0].Mark(sensitiveMark), nil
		},
	})
}

// functions returns the scope's function table, built once.
func (s *scope) functions() map[string]function.Function {
	if s.funcs != nil {
		return s.funcs
	}
	s.funcs = make(map[string]function.Function, len(stdFunctions)+5)
	maps.Copy(s.funcs, hiddenStdFunctions())
	s.funcs["file"] = hideSensitiveErrors(s.fileFunc())
	s.funcs["fileexists"] = hideSensitiveErrors(s.fileExistsFunc())
	s.funcs["templatefile"] = hideSensitiveErrors(s.templateFileFunc())
	s.funcs["decrypt"] = hideSensitiveErrors(s.decryptFunc())
	s.funcs["sensitive"] = hideSensitiveErrors(s.sensitiveFunc())
	return s.funcs
}

// hiddenStdFunctions is stdFunctions behind hideSensitiveErrors, wrapped
// once for every scope of every catalog: they hold no state.
var hiddenStdFunctions = sync.OnceValue(func() map[string]function.Function {
	out := make(map[string]function.Function, len(stdFunctions))
	for n, f := range stdFunctions {
		out[n] = hideSensitiveErrors(f)
	}
	return out
})

// errSensitiveArg replaces the error of a call given a sensitive value:
// the functions' own messages often quote their arguments ("cannot parse
// \"...\" as a base 10 integer", a file name that does not exist).
const errSensitiveArg = "an argument is a (sensitive value), so the reason is not shown"

// hideSensitiveErrors wraps f so that when any argument holds a
// sensitive value, an error says only that: HCL reports it at the call
// (or at the argument) without the value. Results keep the arguments'
// marks as cty gives them.
func hideSensitiveErrors(f function.Function) function.Function {
	pass := func(p function.Parameter) function.Parameter {
		p.AllowMarked, p.AllowUnknown, p.AllowNull, p.AllowDynamicType = true, true, true, true
		return p
	}
	spec := &function.Spec{Description: f.Description()}
	for _, p := range f.Params() {
		spec.Params = append(spec.Params, pass(p))
	}
	if vp := f.VarParam(); vp != nil {
		p := pass(*vp)
		spec.VarParam = &p
	}
	spec.Type = func(args []cty.Value) (cty.Type, error) {
		ty, err := f.ReturnTypeForValues(args)
		return ty, hideError(err, args)
	}
	spec.Impl = func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, err := f.Call(args)
		return v, hideError(err, args)
	}
	return function.New(spec)
}

func hideError(err error, args []cty.Value) error {
	if err == nil || !slices.ContainsFunc(args, cty.Value.ContainsMarked) {
		return err
	}
	var ae function.ArgError
	if errors.As(err, &ae) {
		return function.NewArgErrorf(ae.Index, errSensitiveArg)
	}
	return errors.New(errSensitiveArg)
}

func (s *scope) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := s.readRelative(args[0].AsString())
			if err != nil {
				return cty.DynamicVal, err
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

func (s *scope) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ok, err := s.fileExists(args[0].AsString())
			if err != nil {
				return cty.DynamicVal, err
			}
			return cty.BoolVal(ok), nil
		},
	})
}

func (s *scope) templateFileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowMarked: true},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, diags := s.renderTemplate(args[0].AsString(), args[1], hcl.Range{})
			if diags.HasErrors() {
				return cty.DynamicVal, templateError(diags)
			}
			return v, nil
		},
	})
}

// templateError turns the diagnostics of rendering a template into the
// error of a templatefile call, which HCL reports at the call. A problem
// inside the template keeps its place there; a template that cannot be read
// has no place of its own.
func templateError(diags hcl.Diagnostics) error {
	var msgs []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Detail
		if d.Subject != nil && d.Subject.Filename != "" {
			msg = rangeText(*d.Subject) + ": " + d.Summary
			if d.Detail != "" {
				msg += "; " + d.Detail
			}
		} else if msg == "" {
			msg = d.Summary
		}
		msgs = append(msgs, strings.TrimSuffix(msg, "."))
	}
	return errors.New(strings.Join(msgs, "; "))
}
