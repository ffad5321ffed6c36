package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// load resolves an attribute that names a repository file: its content
// (LoadFile) or its rendering as a template (LoadTemplate).
func (rb *resBlock) load(as resources.AttrSchema, a *hcl.Attribute, name cty.Value, each *cty.Value) (cty.Value, hcl.Diagnostics) {
	plain, marks := name.Unmark()
	if !plain.IsKnown() {
		// Named by a computed attribute: loaded once it is read.
		return cty.UnknownVal(cty.String).WithMarks(marks), nil
	}
	if plain.Type() != cty.String {
		return cty.DynamicVal, hcl.Diagnostics{errorAt(a.Expr.Range(), "Invalid file name", as.Name+" must be a file name.")}
	}
	s := rb.scope
	if as.Load == resources.LoadFile {
		b, err := s.readRelative(plain.AsString())
		if err != nil {
			return cty.DynamicVal, hcl.Diagnostics{errorAt(a.Expr.Range(), "Cannot read file", hideName(err.Error(), marks))}
		}
		return cty.StringVal(string(b)).WithMarks(marks), nil
	}
	vars := cty.EmptyObjectVal
	if va, ok := rb.content.Attributes[as.Vars]; ok {
		v, diags := s.eval(va.Expr, evalCtx{each: each})
		rb.addDeps(v.deps)
		if diags.HasErrors() {
			return cty.DynamicVal, diags
		}
		vars = v.val
	}
	out, diags := s.renderTemplate(plain.AsString(), vars, a.Expr.Range())
	if len(marks) > 0 && diags.HasErrors() {
		// The template's own diagnostics name it and quote its lines.
		return cty.DynamicVal, hcl.Diagnostics{errorAt(a.Expr.Range(), "Cannot render template", hideName("", marks))}
	}
	return out.WithMarks(marks), diags
}

// hideName returns msg, or a message without it when the file name it
// is about is sensitive: errors about a file quote its name.
func hideName(msg string, nameMarks cty.ValueMarks) string {
	if len(nameMarks) == 0 {
		return msg
	}
	return "the file name is a (sensitive value), so the reason is not shown"
}

// readRelative reads a file named relative to the scope's directory,
// refusing names that leave the tree.
func (s *scope) readRelative(name string) ([]byte, error) {
	if path.IsAbs(name) {
		return nil, fmt.Errorf("%s: file names are relative to the %s directory, not absolute", name, s.kindOfScope())
	}
	p := path.Join(s.dir, name)
	if p == ".." || strings.HasPrefix(p, "../") {
		return nil, fmt.Errorf("%s: leaves the repository", name)
	}
	b, err := s.ld.files.read(s.tree, p)
	if err != nil {
		return nil, errors.New(s.tree.readError(p, err))
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%s: not UTF-8 text", s.tree.name(p))
	}
	return b, nil
}

// fileExists reports whether a file named relative to the scope's
// directory exists. A name that leaves the repository — absolute, through
// "..", or through a symbolic link — or that names a named pipe, a device
// or a socket is an error, not false: the answer would tell something of
// the host.
func (s *scope) fileExists(name string) (bool, error) {
	if path.IsAbs(name) {
		return false, fmt.Errorf("%s: file names are relative to the %s directory, not absolute", name, s.kindOfScope())
	}
	p := path.Join(s.dir, name)
	if p == ".." || strings.HasPrefix(p, "../") {
		return false, fmt.Errorf("%s: leaves the repository", name)
	}
	fi, err := s.tree.fsys.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return false, nil
	case err != nil:
		return false, errors.New(s.tree.readError(p, err))
	case fi.IsDir():
		return false, nil
	case !fi.Mode().IsRegular():
		return false, fmt.Errorf("%s is not a regular file", s.tree.name(p))
	}
	return true, nil
}

// renderTemplate renders a template file with the given variables (an
// object or map); the template may call the scope's functions.
func (s *scope) renderTemplate(name string, vars cty.Value, rng hcl.Range) (cty.Value, hcl.Diagnostics) {
	b, err := s.readRelative(name)
	if err != nil {
		return cty.DynamicVal, hcl.Diagnostics{errorAt(rng, "Cannot read template", err.Error())}
	}
	p := s.tree.name(path.Join(s.dir, name))
	expr, diags := s.ld.files.template(p, b)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: s.functions()}
	vars, marks := vars.Unmark()
	if !vars.IsKnown() {
		return cty.UnknownVal(cty.String).WithMarks(marks), diags
	}
	if !vars.IsNull() && vars.IsKnown() && vars.CanIterateElements() {
		for it := vars.ElementIterator(); it.Next(); {
			k, v := it.Element()
			ctx.Variables[k.AsString()] = v
		}
	}
	val, d := expr.Value(ctx)
	diags = append(diags, d...)
	if d.HasErrors() {
		return cty.DynamicVal, diags
	}
	return val.WithMarks(marks), diags
}

func unwrapPathError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// fileOrigin names the repository file a LoadFile or LoadTemplate
// attribute read, for `tend explain`.
func (s *scope) fileOrigin(as resources.AttrSchema, name cty.Value) Origin {
	what := "source file"
	if as.Load == resources.LoadTemplate {
		what = "template file"
	}
	plain, marks := name.Unmark()
	file := s.tree.name(path.Join(s.dir, plain.AsString()))
	if len(marks) > 0 {
		file = sensitiveValue
	}
	return Origin{What: what, Range: hcl.Range{Filename: file, Start: hcl.InitialPos, End: hcl.InitialPos}}
}
