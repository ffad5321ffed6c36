package resources

import (
	"encoding/json"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Schema describes a kind's attributes. Providers hand it to the config
// loader as data, so `tend validate` checks attribute names and types with
// source positions before any provider code runs.
type Schema struct {
	Kind  string       `json:"kind"`
	Doc   string       `json:"doc,omitempty"`
	Attrs []AttrSchema `json:"attrs"`
}

// AttrSchema describes one attribute of a kind.
type AttrSchema struct {
	Name string   `json:"name"`
	Type cty.Type `json:"type"`
	// Required attributes must be set; others are null when unset and the
	// kind applies its documented default.
	Required bool `json:"required,omitempty"`
	// Sensitive attributes are masked wherever they would be printed,
	// whether or not the value was marked with sensitive().
	Sensitive bool   `json:"sensitive,omitempty"`
	Doc       string `json:"doc,omitempty"`
	// Load makes the loader read the named file from the repository (or
	// render it as a template) and pass the content instead of the name.
	Load Load `json:"load,omitempty"`
	// Vars names the attribute holding template variables when Load is
	// LoadTemplate.
	Vars string `json:"vars,omitempty"`
	// Computed attributes are not set in configuration: their value is
	// what Read observed, the State entry of the same name (converted to
	// Type), so that other resources can depend on a fact of the host
	// ("the DKIM record DNS serves matches the key"). It is read before
	// the run plans anything and reflects the host as the run found it.
	Computed bool `json:"computed,omitempty"`
	// Default is the value an optional attribute takes when the
	// configuration leaves it unset or null; cty.NilVal for none (the
	// attribute is then null, and the kind says what that means). The
	// loader fills it in, so a kind reads it like a value that was set,
	// and `tend doc` shows it: this is the only place a default is kept.
	Default cty.Value `json:"-"`
}

// HasDefault says the attribute has a Default.
func (a AttrSchema) HasDefault() bool { return a.Default != cty.NilVal }

// attrFields is AttrSchema without its methods, for its JSON.
type attrFields AttrSchema

// attrJSON is an attribute schema as JSON: Default in cty's JSON for the
// attribute's type (external providers send their schemas this way).
type attrJSON struct {
	attrFields
	Default json.RawMessage `json:"default,omitempty"`
}

// MarshalJSON writes the attribute schema with its default.
func (a AttrSchema) MarshalJSON() ([]byte, error) {
	out := attrJSON{attrFields: attrFields(a)}
	if a.HasDefault() {
		b, err := ctyjson.Marshal(a.Default, a.Type)
		if err != nil {
			return nil, fmt.Errorf("the default of %s: %w", a.Name, err)
		}
		out.Default = b
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (a *AttrSchema) UnmarshalJSON(b []byte) error {
	var in attrJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*a = AttrSchema(in.attrFields)
	if len(in.Default) > 0 {
		v, err := ctyjson.Unmarshal(in.Default, a.Type)
		if err != nil {
			return fmt.Errorf("the default of %s: %w", a.Name, err)
		}
		a.Default = v
	}
	return nil
}

// CheckDefaults reports a default that a kind's schema could not use: on
// a required or computed attribute, null, or not of the attribute's type.
func (s Schema) CheckDefaults() error {
	for _, a := range s.Attrs {
		if !a.HasDefault() {
			continue
		}
		switch {
		case a.Required || a.Computed:
			return fmt.Errorf("%s.%s: a required or computed attribute has no default", s.Kind, a.Name)
		case a.Default.IsNull() || !a.Default.IsWhollyKnown():
			return fmt.Errorf("%s.%s: the default must be a known, non-null value", s.Kind, a.Name)
		case !a.Default.Type().Equals(a.Type):
			return fmt.Errorf("%s.%s: the default is a %s, not a %s", s.Kind, a.Name, a.Default.Type().FriendlyName(), a.Type.FriendlyName())
		}
	}
	return nil
}

// Load says how the config loader resolves an attribute that names a file
// in the node repository.
type Load int

const (
	// LoadNone passes the value as written.
	LoadNone Load = iota
	// LoadFile reads the file, relative to the declaring module, and passes
	// its content.
	LoadFile
	// LoadTemplate renders the file as a template with the variables in the
	// attribute named by Vars, and passes the result.
	LoadTemplate
)

// Attr finds an attribute's schema by name.
func (s Schema) Attr(name string) (AttrSchema, bool) {
	for _, a := range s.Attrs {
		if a.Name == name {
			return a, true
		}
	}
	return AttrSchema{}, false
}
