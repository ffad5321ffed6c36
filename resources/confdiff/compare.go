package confdiff

import (
	"fmt"
	"strconv"
	"strings"
)

// Op is what happens to a setting.
type Op string

// The operations of a Change.
const (
	Add    Op = "add"
	Remove Op = "remove"
	Modify Op = "change"
)

// Change is one setting that differs between a file's old and new
// content. Old is empty for Add, New for Remove; an entry (Entry set) is
// only added or removed, and its value is the rest of the entry. Masked
// says that Old and New were replaced by a mask and are not values.
type Change struct {
	Op     Op     `json:"op"`
	Name   string `json:"name"`
	Old    string `json:"old,omitempty"`
	New    string `json:"new,omitempty"`
	Entry  bool   `json:"entry,omitempty"`
	Masked bool   `json:"masked,omitempty"`
}

// Compare reads old and new content as format f and lists the settings
// that differ: added and changed ones in the new content's order, then
// removed ones in the old content's order. Content equal up to comments,
// layout and whitespace inside values has no changes.
func Compare(f Format, old, new []byte) []Change {
	a, b := parse(f, old), parse(f, new)
	before, after := index(a), index(b)
	var out []Change
	for _, s := range b {
		o, ok := before[s.key()]
		switch {
		case hidden(s, before):
		case !ok:
			out = append(out, Change{Op: Add, Name: s.Name, New: s.Value, Entry: s.Entry})
		case o.Value != s.Value:
			out = append(out, Change{Op: Modify, Name: s.Name, Old: o.Value, New: s.Value})
		}
	}
	for _, s := range a {
		if _, ok := after[s.key()]; !ok && !hidden(s, after) {
			out = append(out, Change{Op: Remove, Name: s.Name, Old: s.Value, Entry: s.Entry})
		}
	}
	return out
}

func index(list []setting) map[string]setting {
	m := make(map[string]setting, len(list))
	for _, s := range list {
		m[s.key()] = s
	}
	return m
}

// hidden says whether s is left out because its changes show otherwise:
// a whole (a master.cf service) on both sides shows as its parts, and
// the parts of a whole the other side lacks show as that whole.
func hidden(s setting, other map[string]setting) bool {
	if s.whole {
		_, ok := other[s.key()]
		return ok
	}
	if s.of != "" {
		_, ok := other[s.of]
		return !ok
	}
	return false
}

// Mask replaces every value in cs by mask, in place: the names of a
// sensitive file's settings are shown, never their values.
func Mask(cs []Change, mask string) {
	for i := range cs {
		c := &cs[i]
		if c.Op != Add {
			c.Old = mask
		}
		if c.Op != Remove {
			c.New = mask
		}
		c.Masked = true
	}
}

// String renders the change as a plan shows it:
//
//   - name = "value"
//   - name = "value"
//     ~ name: "old" -> "new"
//   - deb http://deb.debian.org/debian bookworm main   (an entry)
func (c Change) String() string {
	switch {
	case c.Entry && c.Op == Add:
		return "+ " + c.Name + " " + c.value(c.New)
	case c.Entry:
		return "- " + c.Name + " " + c.value(c.Old)
	case c.Op == Add:
		return fmt.Sprintf("+ %s = %s", c.Name, c.quote(c.New))
	case c.Op == Remove:
		return fmt.Sprintf("- %s = %s", c.Name, c.quote(c.Old))
	}
	return fmt.Sprintf("~ %s: %s -> %s", c.Name, c.quote(c.Old), c.quote(c.New))
}

func (c Change) quote(v string) string {
	if c.Masked {
		return v
	}
	return strconv.Quote(v)
}

// value shows an entry's value as written, unless it holds what a
// terminal would interpret.
func (c Change) value(v string) string {
	if q := strconv.Quote(v); c.Masked || q[1:len(q)-1] == v {
		return v
	}
	return strconv.Quote(v)
}

// Text renders the changed settings of a file of format f under the
// format's title, every line with prefix; a known format whose settings
// did not change says so (only comments or layout differ).
func Text(f Format, cs []Change, prefix string) string {
	if f == "" {
		return ""
	}
	if len(cs) == 0 {
		return fmt.Sprintf("%s%s: no setting changed (comments or layout only)\n", prefix, f.title())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s:\n", prefix, f.title())
	for _, c := range cs {
		fmt.Fprintf(&b, "%s  %s\n", prefix, c)
	}
	return b.String()
}
