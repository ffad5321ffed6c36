package kindtest

import (
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// Config returns the configuration of the instance KIND.test of schema's
// kind with attrs set and every other attribute null, bound to env. An
// attribute the schema does not have fails the test.
func Config(t testing.TB, schema resources.Schema, env resources.Env, attrs map[string]cty.Value) *resources.Config {
	t.Helper()
	cfg := &resources.Config{
		Addr:      resources.Address{Kind: schema.Kind, Name: "test"},
		Values:    map[string]cty.Value{},
		Sensitive: map[string]bool{},
		Env:       env,
	}
	for _, s := range schema.Attrs {
		cfg.Values[s.Name] = cty.NullVal(s.Type)
	}
	for k, v := range attrs {
		if _, ok := schema.Attr(k); !ok {
			t.Fatalf("attribute %q is not in the %s schema", k, schema.Kind)
		}
		cfg.Values[k] = v
	}
	cfg.FillDefaults(schema)
	return cfg
}
