package resources

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxID is the largest uid or gid a configuration may name: 2^32-2.
// 2^32-1 is (uid_t)-1, which chown reads as "leave unchanged", and larger
// numbers would wrap around (4294967296 is uid 0).
const MaxID = math.MaxUint32 - 1

// ParseAccountID reads an owner or group as configured. numeric is true when v
// is made of decimal digits only, with or without a sign, and then id is
// the number; err is set when that number is signed or beyond MaxID.
// Anything else is a name (numeric false), checked by CheckAccountName.
func ParseAccountID(v string) (id uint32, numeric bool, err error) {
	digits := strings.TrimLeft(v, "+-")
	if digits == "" || len(v)-len(digits) > 1 || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false, nil
	}
	if digits != v {
		return 0, true, fmt.Errorf("%s is out of range: ids go from 0 to %d", v, uint64(MaxID))
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n > MaxID {
		return 0, true, fmt.Errorf("%s is out of range: ids go from 0 to %d", v, uint64(MaxID))
	}
	return uint32(n), true, nil
}

// CheckAccountName refuses an owner or group attribute that is neither a
// name that can be a field of /etc/passwd nor an id within 0..MaxID. The
// error is an AttrError for attr; it shows the value escaped, or nothing
// of it when the attribute is sensitive.
func CheckAccountName(cfg *Config, attr, v string) error {
	what := fmt.Sprintf("%q", v)
	if cfg.Sensitive[attr] {
		what = "(sensitive value)"
	}
	if _, numeric, err := ParseAccountID(v); numeric {
		if err != nil {
			return AttrErrorf(attr, "%s %s is out of range: ids go from 0 to %d", attr, what, uint64(MaxID))
		}
		return nil
	}
	if v == "" || strings.ContainsAny(v, ":,/ ") || strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+") ||
		strings.IndexFunc(v, isAnyControl) >= 0 {
		return AttrErrorf(attr, "%s %s is not a valid name or id", attr, what)
	}
	return nil
}

// AccountKind tells users from groups.
type AccountKind string

const (
	UserAccount  AccountKind = "user"
	GroupAccount AccountKind = "group"
)

// Account is a user or a group, by name.
type Account struct {
	Kind AccountKind `json:"kind"`
	Name string      `json:"name"`
}

// AccountRef is an account a resource's attribute names, such as a
// file's owner.
type AccountRef struct {
	Attr string `json:"attr"`
	Account
}

// String is how messages name the reference: `owner "opendkim"`.
func (r AccountRef) String() string { return fmt.Sprintf("%s %q", r.Attr, r.Name) }
