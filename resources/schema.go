package resources

import "github.com/zclconf/go-cty/cty"

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
