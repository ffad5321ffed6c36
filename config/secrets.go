package config

import (
	"slices"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// sensitiveValue stands for a sensitive value in diagnostics and names.
const sensitiveValue = "(sensitive value)"

// noteSecret remembers every known string inside v as a secret.
func (ld *loader) noteSecret(v cty.Value) {
	v, _ = v.UnmarkDeep()
	_ = cty.Walk(v, func(_ cty.Path, e cty.Value) (bool, error) {
		if e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
			ld.secrets[e.AsString()] = true
		}
		return true, nil
	})
}

// noteMarked remembers the strings inside v's sensitive parts: values
// derived from a secret ("/etc/app-" + secret, upper(secret)) are
// secrets too, for the redactor.
func (ld *loader) noteMarked(v cty.Value) {
	if !v.ContainsMarked() {
		return
	}
	plain, pvm := v.UnmarkDeepWithPaths()
	for _, pm := range pvm {
		if _, ok := pm.Marks[sensitiveMark]; !ok {
			continue
		}
		if part, err := pm.Path.Apply(plain); err == nil {
			ld.noteSecret(part)
		}
	}
}

// conversionError is the text of a type conversion error, or a text
// without it when the value converted holds a sensitive part.
func conversionError(err error, v cty.Value) string {
	if v.ContainsMarked() {
		return "the " + sensitiveValue + " is not of the expected type"
	}
	return err.Error()
}

// stringsIn lists the known strings inside v (map keys included).
func stringsIn(v cty.Value) []string {
	var out []string
	v, _ = v.UnmarkDeep()
	_ = cty.Walk(v, func(p cty.Path, e cty.Value) (bool, error) {
		if len(p) > 0 {
			if ix, ok := p[len(p)-1].(cty.IndexStep); ok && ix.Key.Type() == cty.String {
				out = append(out, ix.Key.AsString())
			}
		}
		if e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
			out = append(out, e.AsString())
		}
		return true, nil
	})
	return out
}

// maskAll replaces each of secrets in msg, as written and as Go quotes
// it, by (sensitive value), whatever its length: msg is about the
// resource that holds them.
func maskAll(msg string, secrets []string) string {
	var pieces []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		q := strconv.Quote(s)
		pieces = append(pieces, s, q[1:len(q)-1])
	}
	slices.SortFunc(pieces, func(a, b string) int { return len(b) - len(a) })
	pieces = slices.Compact(pieces)
	args := make([]string, 0, 2*len(pieces))
	for _, p := range pieces {
		args = append(args, p, sensitiveValue)
	}
	return strings.NewReplacer(args...).Replace(msg)
}
