package config

import "github.com/zclconf/go-cty/cty"

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
