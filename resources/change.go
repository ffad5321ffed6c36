package resources

import "slices"

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
	// Missing lists the accounts the change needs (a file's owner) that
	// do not exist under the root yet. In a plan the engine accepts each
	// only when a resource this one depends on creates it (Creates,
	// MayCreateAccounts) and adds which one to Reason; otherwise, and in
	// an apply (where those resources already ran), the resource fails
	// before Apply is called. Sensitive names are never listed.
	Missing []AccountRef `json:"missing_accounts,omitempty"`
	// Creates lists the accounts Apply creates (a user resource creates
	// its user, and its group when it is named like it).
	Creates []Account `json:"creates_accounts,omitempty"`
	// MayCreateAccounts is set when Apply may create system accounts
	// nobody can name in advance: a package's maintainer scripts (the
	// postfix package creates the postfix user and group).
	MayCreateAccounts bool `json:"may_create_accounts,omitempty"`
	// MissingPaths lists the paths under the root the change needs that
	// do not exist yet (a file's parent directory, a table's source). In
	// a plan the engine accepts each only when a resource this one
	// depends on creates it (PathCreator) and adds which one to Reason;
	// otherwise, and in an apply (where those resources already ran), the
	// resource fails before Apply is called. Sensitive paths are never
	// listed.
	MissingPaths []PathNeed `json:"missing_paths,omitempty"`

	// intent is the kind's typed plan for Apply (see WithIntent); it is
	// never marshalled or printed.
	intent any
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

// Clone returns a copy of c that shares nothing with it that could be
// modified in place (a Redactor masks a copy, not the original).
func (c Change) Clone() Change {
	c.Attrs = slices.Clone(c.Attrs)
	c.Warnings = slices.Clone(c.Warnings)
	c.Missing = slices.Clone(c.Missing)
	c.Creates = slices.Clone(c.Creates)
	c.MissingPaths = slices.Clone(c.MissingPaths)
	if c.Content != nil {
		content := *c.Content
		content.Settings = slices.Clone(content.Settings)
		content.Hunks = slices.Clone(content.Hunks)
		for i := range content.Hunks {
			content.Hunks[i].Lines = slices.Clone(content.Hunks[i].Lines)
		}
		c.Content = &content
	}
	return c
}
