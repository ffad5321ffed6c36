package accounts

import (
	"strings"

	"github.com/tendhq/tend/resources"
)

// maxNameLen is the longest account name the shadow utilities accept.
const maxNameLen = 32

// checkName rejects names that cannot be a field of /etc/passwd or
// /etc/group, or that a utility would read as an option. The utilities'
// own stricter rules (NAME_REGEX) still apply when they run.
func checkName(attr, v string) error {
	switch {
	case v == "":
		return resources.AttrErrorf(attr, "%s must not be empty", attr)
	case len(v) > maxNameLen:
		return resources.AttrErrorf(attr, "%s %q is longer than %d characters", attr, v, maxNameLen)
	case strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+"):
		return resources.AttrErrorf(attr, "%s %q must not start with %q", attr, v, v[:1])
	case strings.ContainsAny(v, ":,/ \t\n"):
		return resources.AttrErrorf(attr, "%s %q must not contain ':', ',', '/' or white space", attr, v)
	}
	return nil
}

// parseEnsure reads ensure: "present" (the default) or "absent".
func parseEnsure(cfg *resources.Config) (present bool, err error) {
	switch v := cfg.String("ensure", ""); v {
	case "present":
		return true, nil
	case "absent":
		return false, nil
	default:
		return false, resources.AttrErrorf("ensure", `ensure must be "present" or "absent", not %q`, v)
	}
}

// parseID reads an optional uid or gid; -1 means unset.
func parseID(cfg *resources.Config, attr string) (int, error) {
	if !cfg.IsSet(attr) {
		return -1, nil
	}
	// Read as a decimal string, so that no conversion can wrap or round:
	// 99999999999999999999 stays out of range, 4294967296 never becomes 0.
	f := cfg.Values[attr].AsBigFloat()
	if !f.IsInt() {
		return 0, resources.AttrErrorf(attr, "%s must be a whole number", attr)
	}
	n, _, err := resources.ParseAccountID(f.Text('f', 0))
	if err != nil || f.Sign() < 0 {
		what := f.Text('f', 0)
		if cfg.Sensitive[attr] {
			what = "(sensitive value)"
		}
		return 0, resources.AttrErrorf(attr, "%s %s is out of range: ids go from 0 to %d", attr, what, uint64(resources.MaxID))
	}
	return int(n), nil
}

// onlyPresent rejects attributes that describe an account which is to be
// removed.
func onlyPresent(cfg *resources.Config, attrs ...string) error {
	for _, a := range attrs {
		if cfg.IsSet(a) {
			return resources.AttrErrorf(a, "%s does not apply to ensure = \"absent\"", a)
		}
	}
	return nil
}
