package managedfile

import "github.com/tendhq/tend/resources"

// Every kind that writes files resolves owners and groups the same way,
// through these lookups: in the run root's /etc/passwd and /etc/group,
// through one cache per root.

// UserID resolves a user name or numeric id under env's root.
func UserID(env resources.Env, v string) (int, error) { return accountsFor(env).users.id(v) }

// GroupID resolves a group name or numeric id under env's root.
func GroupID(env resources.Env, v string) (int, error) { return accountsFor(env).groups.id(v) }

// MissingAccounts returns the references among refs to an account the
// root does not have: a name absent from its /etc/passwd or /etc/group.
// Numeric ids and empty names (unmanaged) are never missing. Plans list
// them in Change.Missing.
func MissingAccounts(env resources.Env, refs ...resources.AccountRef) []resources.AccountRef {
	a := accountsFor(env)
	var out []resources.AccountRef
	for _, ref := range refs {
		db := a.users
		if ref.Kind == resources.GroupAccount {
			db = a.groups
		}
		if ref.Name != "" && !db.has(ref.Name) {
			out = append(out, ref)
		}
	}
	return out
}

// OwnerRefs names a file's owner and group as account references, for
// MissingAccounts. A sensitive attribute is left out: its name must not
// reach a plan.
func OwnerRefs(ownerAttr, owner, groupAttr, group string, sensitive map[string]bool) []resources.AccountRef {
	var out []resources.AccountRef
	if !sensitive[ownerAttr] {
		out = append(out, resources.AccountRef{Attr: ownerAttr, Account: resources.Account{Kind: resources.UserAccount, Name: owner}})
	}
	if !sensitive[groupAttr] {
		out = append(out, resources.AccountRef{Attr: groupAttr, Account: resources.Account{Kind: resources.GroupAccount, Name: group}})
	}
	return out
}

// UserName is how State shows a uid: its name when the root knows one.
func UserName(env resources.Env, id int) string { return accountsFor(env).users.name(id) }

// GroupName is how State shows a gid: its name when the root knows one.
func GroupName(env resources.Env, id int) string { return accountsFor(env).groups.name(id) }

// CanonicalUser is how a configured owner compares with State: a numeric
// id shows as the name the root gives it; a name stays as written.
func CanonicalUser(env resources.Env, v string) string { return accountsFor(env).users.canonical(v) }

// CanonicalGroup is CanonicalUser for a group.
func CanonicalGroup(env resources.Env, v string) string { return accountsFor(env).groups.canonical(v) }
