package resources

// Change is what a resource's Plan says: the action, why, and what differs.
// Everything in a Change is safe to print: values of sensitive attributes
// and lines of sensitive content are masked when the Change is built (see
// NewAttrChange and DiffText), so no renderer, report or saved plan can leak
// them.
type Change struct {
	Action Action `json:"action"`
	// Reason says in a few words why the action is needed ("content
	// differs", "file does not exist").
	Reason string `json:"reason,omitempty"`
	// Attrs lists attribute-level differences (owner, group, mode, ...).
	Attrs []AttrChange `json:"attrs,omitempty"`
	// Content is the difference of the managed content, when it has one.
	Content *ContentDiff `json:"content,omitempty"`
	// Warnings are things a reader should know whatever the action, such
	// as a certificate close to expiry; plans show them for no-ops too.
	// Like everything in a Change they must hold no secret.
	Warnings []string `json:"warnings,omitempty"`
}

// AttrChange is one attribute whose observed value differs from the
// configured one. Old is empty when the thing does not exist yet.
type AttrChange struct {
	Name      string `json:"name"`
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Masked is what a sensitive value prints as, everywhere.
const Masked = "(sensitive)"

// NewAttrChange builds an attribute change, masking both values when the
// attribute is sensitive.
func NewAttrChange(name, old, new string, sensitive bool) AttrChange {
	if sensitive {
		if old != "" {
			old = Masked
		}
		if new != "" {
			new = Masked
		}
	}
	return AttrChange{Name: name, Old: old, New: new, Sensitive: sensitive}
}
