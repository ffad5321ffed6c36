package resources

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
)

// State is what Read observed, as named facts ("ensure", "owner", "mode",
// "sha256", ...). It is what a saved plan remembers about the host, so it
// must hold no secret text: a digest of sensitive content is fine.
type State map[string]string

// Digest summarizes the observed state; a saved plan is stale when a
// resource's digest has moved since.
func (s State) Digest() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(s[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
