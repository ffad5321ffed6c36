package resources

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Class is the sort of thing an identity names. The classes below are
// shared by the kinds that manage or depend on such things; a kind whose
// things no other kind touches uses its own name (KindID).
type Class string

const (
	// ClassFile is a path under the root: a file, a directory, a link.
	ClassFile Class = "file"
	// ClassPackage is a Debian package, by name.
	ClassPackage Class = "package"
	// ClassUser and ClassGroup are accounts, by name.
	ClassUser  Class = "user"
	ClassGroup Class = "group"
	// ClassService is a systemd unit, by its full name.
	ClassService Class = "service"
)

// ID names one thing a resource manages or depends on. Two resources of a
// catalog that manage one ID are a configuration error; a resource that
// depends on an ID comes after whichever resource manages it. IDs are
// made by the constructors below, which put each class's names in one
// canonical spelling (a cleaned path), so that equal things compare
// equal.
type ID struct {
	class Class
	name  string
}

// FileID names the path p (cleaned: "/etc//postfix/" is "/etc/postfix").
func FileID(p string) ID { return ID{ClassFile, filepath.Clean(p)} }

// PackageID names a Debian package.
func PackageID(name string) ID { return ID{ClassPackage, name} }

// UserID and GroupID name an account.
func UserID(name string) ID  { return ID{ClassUser, name} }
func GroupID(name string) ID { return ID{ClassGroup, name} }

// ServiceID names a systemd unit by its full name ("postfix.service").
func ServiceID(unit string) ID { return ID{ClassService, unit} }

// KindID names a thing only instances of kind manage (an exec resource,
// a postfix_map's compiled table): kind is its class.
func KindID(kind, name string) ID { return ID{Class(kind), name} }

// Class is the class of id.
func (id ID) Class() Class { return id.class }

// Name is id's name within its class.
func (id ID) Name() string { return id.name }

// IsZero is true for the ID no constructor makes.
func (id ID) IsZero() bool { return id == ID{} }

// String is "CLASS:NAME", as diagnostics print it and the provider
// protocol carries it.
func (id ID) String() string { return string(id.class) + ":" + id.name }

// ParseIdentity reads what ID.String printed. The class must be
// non-empty; the name may be empty only where a whole class is meant
// (Order).
func ParseIdentity(s string) (ID, error) {
	class, name, ok := strings.Cut(s, ":")
	if !ok || class == "" {
		return ID{}, fmt.Errorf("identity %q is not CLASS:NAME", s)
	}
	if Class(class) == ClassFile && name != "" {
		return FileID(name), nil
	}
	return ID{Class(class), name}, nil
}

// Order places an instance relative to the instances that manage some
// identities: after them (the usual case: a file after its parent
// directory and its owner) or before them (a package source before the
// packages). Either side can declare an edge; the catalog adds it once.
type Order struct {
	// Before is true when the instance comes first.
	Before bool
	// ID is the identity whose manager is ordered against; with an empty
	// name (Every), every identity of its class.
	ID ID
}

// After orders an instance after whatever manages id.
func After(id ID) Order { return Order{ID: id} }

// Before orders an instance before whatever manages id.
func Before(id ID) Order { return Order{Before: true, ID: id} }

// Every stands for every identity of class c, in After and Before.
func Every(c Class) ID { return ID{class: c} }

// Whole is true when o is about a whole class.
func (o Order) Whole() bool { return o.ID.name == "" }

// AfterParents orders an instance after whatever manages the directories
// above the absolute path p, outermost first, "/" excluded. A relative p
// gives none: the kind's own checks reject it.
func AfterParents(p string) []Order {
	p = filepath.Clean(p)
	if !filepath.IsAbs(p) {
		return nil
	}
	var out []Order
	for d := filepath.Dir(p); d != "/"; d = filepath.Dir(d) {
		out = append(out, After(FileID(d)))
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Orders joins lists of orders in turn, keeping the first of each: a
// kind whose files share parent directories or owners orders once.
func Orders(lists ...[]Order) []Order {
	var out []Order
	for _, l := range lists {
		for _, o := range l {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

// AfterAccounts orders an instance owned by owner and group after the
// resources managing them, when given by name: numeric ids need nothing.
func AfterAccounts(owner, group string) []Order {
	var out []Order
	if isAccountName(owner) {
		out = append(out, After(UserID(owner)))
	}
	if isAccountName(group) {
		out = append(out, After(GroupID(group)))
	}
	return out
}

func isAccountName(v string) bool {
	_, numeric, _ := ParseAccountID(v)
	return v != "" && !numeric
}

// String is "after ID" or "before ID", the ID being "every CLASS" for a
// whole class.
func (o Order) String() string {
	target := o.ID.String()
	if o.Whole() {
		target = "every " + string(o.ID.class)
	}
	if o.Before {
		return "before " + target
	}
	return "after " + target
}
