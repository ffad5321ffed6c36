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
