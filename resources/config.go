package resources

import (
	"fmt"
	"math/big"
	"path/filepath"

	"github.com/zclconf/go-cty/cty"
)

// Config is one evaluated resource instance as the loader hands it to a
// kind: values converted to the schema's types, unknown attributes already
// rejected, sensitivity recorded per attribute.
type Config struct {
	Addr Address
	// Values holds every attribute of the schema; unset ones are null.
	// Values carry no cty marks: sensitivity is in Sensitive.
	Values map[string]cty.Value
	// Sensitive lists attributes whose value must never be printed.
	Sensitive map[string]bool
	Env       Env
}

// FillDefaults gives every attribute of s that is unset its Default. The
// loader does this for every resource it binds; whoever builds a Config
// otherwise (a test) calls it, since kinds rely on defaulted attributes
// never being null.
func (c *Config) FillDefaults(s Schema) {
	if c.Values == nil {
		c.Values = map[string]cty.Value{}
	}
	for _, a := range s.Attrs {
		if a.HasDefault() && !c.IsSet(a.Name) {
			c.Values[a.Name] = a.Default
		}
	}
}

// Env is what the host side of a run tells every resource.
type Env struct {
	// Root is prefixed to every managed path ("" or "/" for the real root).
	Root string
	// StateDir is tend's state directory (backups, pending events,
	// reports).
	StateDir string
}

// String returns a string attribute, or def when it is null.
func (c *Config) String(name, def string) string {
	v := c.Values[name]
	if v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.String) {
		return def
	}
	return v.AsString()
}

// IsSet reports whether an attribute was given a non-null value.
func (c *Config) IsSet(name string) bool {
	v := c.Values[name]
	return v != cty.NilVal && !v.IsNull()
}

// Bool returns a bool attribute, or def when it is null.
func (c *Config) Bool(name string, def bool) bool {
	v := c.Values[name]
	if v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.Bool) {
		return def
	}
	return v.True()
}

// Int returns a number attribute as an int, or def when it is null.
func (c *Config) Int(name string, def int) (int, error) {
	v := c.Values[name]
	if v == cty.NilVal || v.IsNull() || !v.Type().Equals(cty.Number) {
		return def, nil
	}
	i, acc := v.AsBigFloat().Int64()
	if acc != big.Exact {
		return 0, fmt.Errorf("%s must be a whole number", name)
	}
	return int(i), nil
}

// Strings returns a list or set of strings, or nil when it is null.
func (c *Config) Strings(name string) []string {
	v := c.Values[name]
	if v == cty.NilVal || v.IsNull() || !v.CanIterateElements() {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsNull() && e.Type().Equals(cty.String) {
			out = append(out, e.AsString())
		}
	}
	return out
}

// StringMap returns a map of strings, or nil when it is null.
func (c *Config) StringMap(name string) map[string]string {
	v := c.Values[name]
	if v == cty.NilVal || v.IsNull() || !v.CanIterateElements() {
		return nil
	}
	out := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if !e.IsNull() && e.Type().Equals(cty.String) && k.Type().Equals(cty.String) {
			out[k.AsString()] = e.AsString()
		}
	}
	return out
}

// Path resolves a managed absolute path under the run's root.
func (e Env) Path(p string) string {
	if e.Root == "" || e.Root == "/" {
		return filepath.Clean(p)
	}
	return filepath.Join(e.Root, p)
}
