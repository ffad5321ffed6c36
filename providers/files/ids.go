package files

import "github.com/tendhq/tend/resources"

// The lookups below are the file kind's own, shared with other kinds that
// write files (tls_certificate), so every kind resolves owners the same
// way: in the run root's /etc/passwd and /etc/group, through one cache.

// UserID resolves a user name or numeric id under env's root.
func UserID(env resources.Env, v string) (int, error) { return accountsFor(env).users.id(v) }

// GroupID resolves a group name or numeric id under env's root.
func GroupID(env resources.Env, v string) (int, error) { return accountsFor(env).groups.id(v) }

// UserName is how State shows a uid: its name when the root knows one.
func UserName(env resources.Env, id int) string { return accountsFor(env).users.name(id) }

// GroupName is how State shows a gid: its name when the root knows one.
func GroupName(env resources.Env, id int) string { return accountsFor(env).groups.name(id) }
