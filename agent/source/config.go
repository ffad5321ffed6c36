package source

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Defaults for a zero Config.
const (
	DefaultRef     = "main"
	DefaultDir     = "/var/lib/tend/source"
	DefaultTimeout = 2 * time.Minute
)

// Config says where the node repository comes from and whom to trust.
type Config struct {
	// URL is the repository: a local path, file://, ssh://,
	// user@host:path (scp-like) or https://.
	URL string
	// Ref is the branch or tag to follow ("" is DefaultRef); a full ref
	// name (refs/...) is taken as is. The commit it names must be signed;
	// a signed tag is neither needed nor enough.
	Ref string
	// Dir is the cache: the mirror, the checkouts and the record of the
	// last known good commit ("" is DefaultDir). Created 0700.
	Dir string
	// Signers is the allowlist. An empty one refuses every commit.
	Signers Signers
	// AllowRollback accepts a commit that is older than the last applied
	// one, or not its descendant (history rewritten).
	AllowRollback bool
	// Timeout bounds each git, gpg and ssh-keygen call ("0" is
	// DefaultTimeout); the call's process group is killed when it expires.
	Timeout time.Duration
}

func (c Config) withDefaults() (Config, error) {
	if c.URL == "" {
		return c, errors.New("no source repository given")
	}
	if strings.HasPrefix(c.URL, "-") {
		return c, errors.New("a source URL cannot begin with '-'")
	}
	if c.Ref == "" {
		c.Ref = DefaultRef
	}
	if err := CheckRef(c.Ref); err != nil {
		return c, err
	}
	if c.Dir == "" {
		c.Dir = DefaultDir
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if isLocalPath(c.URL) {
		abs, err := filepath.Abs(c.URL)
		if err != nil {
			return c, err
		}
		c.URL = abs
	}
	return c, nil
}

// CheckRef refuses a ref name git would not take for a branch or tag
// (or that could be read as an option): one beginning with "-", "." or
// "/", or holding "..", "//", a space, a control character or one of
// :*?[\^~.
func CheckRef(ref string) error {
	bad := ref == "" || strings.HasPrefix(ref, "-") || strings.HasPrefix(ref, ".") || strings.HasPrefix(ref, "/") ||
		strings.Contains(ref, "..") || strings.Contains(ref, "//") || strings.ContainsAny(ref, " :*?[\\^~\x7f")
	for _, r := range ref {
		bad = bad || r < ' '
	}
	if bad {
		return fmt.Errorf("invalid ref %q", ref)
	}
	return nil
}

// ForPreview is the configuration that previews ref (tend agent
// --preview): the same repository and signers, with a cache of its own
// under the main one (DIR/preview: mirror, keyring, checkout), so that
// fetching and checking out the ref never touches the main ref's mirror,
// checkouts or last known good.
func (c Config) ForPreview(ref string) Config {
	if c.Dir == "" {
		c.Dir = DefaultDir
	}
	c.Ref, c.Dir, c.AllowRollback = ref, filepath.Join(c.Dir, "preview"), false
	return c
}

// isLocalPath tells a path from a URL the way git does: a URL has a
// scheme (scheme://), a scp-like one a colon before any slash.
func isLocalPath(u string) bool {
	if strings.Contains(u, "://") {
		return false
	}
	colon := strings.IndexByte(u, ':')
	return colon < 0 || strings.IndexByte(u[:colon], '/') >= 0
}
