package providers

import (
	"encoding/json"
	"testing"

	"github.com/tendhq/tend/resources"
)

// Every built-in kind's defaults fit their attributes, and survive the
// JSON external providers send schemas in.
func TestDefaults(t *testing.T) {
	reg, defaults := Builtin(), 0
	for _, name := range reg.Names() {
		k, _ := reg.Kind(name)
		s := k.Schema()
		if err := s.CheckDefaults(); err != nil {
			t.Error(err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var back resources.Schema
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, a := range s.Attrs {
			if !a.HasDefault() {
				continue
			}
			defaults++
			if got := back.Attrs[i].Default; !back.Attrs[i].HasDefault() || !got.RawEquals(a.Default) {
				t.Errorf("%s.%s: default %#v came back from JSON as %#v", name, a.Name, a.Default, got)
			}
		}
	}
	if defaults < 20 {
		t.Errorf("only %d defaults in the built-in kinds' schemas", defaults)
	}
}
