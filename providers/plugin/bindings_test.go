package plugin

import (
	"context"
	"reflect"
	"testing"

	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

// Every built-in kind tells the same identities and orders over the
// protocol as in process, whole classes included.
func TestEveryKindsBindingCrossesTheProtocol(t *testing.T) {
	for name, kinds := range providers.Builtins() {
		local := Local(kinds...)
		remote := overGRPC(t, local)
		for _, k := range kinds {
			s := k.Schema()
			req := Request{Kind: s.Kind, Config: kindtest.Config(t, s, resources.Env{}, required(s))}
			want, _ := local.Bind(context.Background(), req)
			got, _ := remote.Bind(context.Background(), req)
			if len(want.Identities) == 0 {
				t.Errorf("%s/%s: no identity", name, s.Kind)
			}
			if !reflect.DeepEqual(got.Identities, want.Identities) || !reflect.DeepEqual(got.Order, want.Order) {
				t.Errorf("%s/%s: over the protocol %v %v, in process %v %v", name, s.Kind, got.Identities, got.Order, want.Identities, want.Order)
			}
		}
	}
}

// required gives each required attribute of s a value of its type.
func required(s resources.Schema) map[string]cty.Value {
	out := map[string]cty.Value{}
	for _, a := range s.Attrs {
		if !a.Required {
			continue
		}
		switch {
		case a.Type == cty.String:
			out[a.Name] = cty.StringVal("/etc/x/" + a.Name)
		case a.Type.IsListType():
			out[a.Name] = cty.ListVal([]cty.Value{cty.StringVal("x")})
		case a.Type == cty.Bool:
			out[a.Name] = cty.False
		case a.Type == cty.Number:
			out[a.Name] = cty.NumberIntVal(1)
		default:
			out[a.Name] = cty.NullVal(a.Type)
		}
	}
	return out
}
