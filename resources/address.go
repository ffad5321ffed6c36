package resources

import (
	"fmt"
	"strconv"
	"strings"
)

// Address names one resource instance in a node's configuration, the way a
// plan, a report and `tend explain` print it:
//
//	file.motd
//	module.postfix.file.main_cf
//	module.postfix.postfix_map.maps["transport"]
type Address struct {
	// Module is the path of module calls leading to the resource, outermost
	// first; empty for resources declared by the node or its roles.
	Module []string
	// Kind is the resource kind, such as "file".
	Kind string
	// Name is the resource's label in its block.
	Name string
	// Key is the for_each key; meaningful only when Keyed.
	Key   string
	Keyed bool
	// KeyTag, when set, stands for a sensitive key, which the address
	// never prints: file.keys[(sensitive 3f2a)]. It is a short hash of
	// the key, the same in every run.
	KeyTag string
}

// sensitiveKeyOpen and sensitiveKeyClose enclose the printed form of a sensitive key.
const sensitiveKeyOpen, sensitiveKeyClose = "(sensitive ", ")"

// String renders the address in its canonical form.
func (a Address) String() string {
	var b strings.Builder
	for _, m := range a.Module {
		b.WriteString("module.")
		b.WriteString(m)
		b.WriteByte('.')
	}
	b.WriteString(a.Kind)
	b.WriteByte('.')
	b.WriteString(a.Name)
	switch {
	case a.Keyed && a.KeyTag != "":
		b.WriteString("[" + sensitiveKeyOpen + a.KeyTag + sensitiveKeyClose + "]")
	case a.Keyed:
		b.WriteString("[")
		b.WriteString(strconv.Quote(a.Key))
		b.WriteString("]")
	}
	return b.String()
}

// ModulePath renders the module part of the address ("module.a.module.b"),
// or "" for the root.
func (a Address) ModulePath() string {
	parts := make([]string, 0, len(a.Module))
	for _, m := range a.Module {
		parts = append(parts, "module."+m)
	}
	return strings.Join(parts, ".")
}

// ParseAddress reads an address in the form String prints.
func ParseAddress(s string) (Address, error) {
	var a Address
	rest := s
	if i := strings.IndexByte(rest, '['); i >= 0 {
		if !strings.HasSuffix(rest, "]") {
			return a, fmt.Errorf("address %q: unterminated instance key", s)
		}
		inner := rest[i+1 : len(rest)-1]
		if tag, ok := strings.CutPrefix(inner, sensitiveKeyOpen); ok && strings.HasSuffix(tag, sensitiveKeyClose) {
			a.KeyTag, a.Keyed = strings.TrimSuffix(tag, sensitiveKeyClose), true
		} else {
			key, err := strconv.Unquote(inner)
			if err != nil {
				return a, fmt.Errorf("address %q: instance key must be a quoted string", s)
			}
			a.Key, a.Keyed = key, true
		}
		rest = rest[:i]
	}
	parts := strings.Split(rest, ".")
	for len(parts) > 2 && parts[0] == "module" {
		a.Module = append(a.Module, parts[1])
		parts = parts[2:]
	}
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" || parts[0] == "module" {
		return a, fmt.Errorf("address %q: want [module.NAME.]KIND.NAME[\"KEY\"]", s)
	}
	a.Kind, a.Name = parts[0], parts[1]
	return a, nil
}
