package pki

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/tendhq/tend/resources"
)

// dkimIDs resolves user or group names in one of the root's own files
// (/etc/passwd, /etc/group): under an alternate root the container's
// accounts count, not the host's. Files are read per call, so an account
// a user resource created earlier in the run is found.
type dkimIDs struct {
	kind string // "user" or "group"
	path string // the file under the root
}

func dkimUsers(env resources.Env) dkimIDs {
	return dkimIDs{kind: "user", path: env.Path("/etc/passwd")}
}

func dkimGroups(env resources.Env) dkimIDs {
	return dkimIDs{kind: "group", path: env.Path("/etc/group")}
}

// entries parses "name:x:id:..." lines; the first entry for a name wins.
func (d dkimIDs) entries() map[string]int {
	out := map[string]int{}
	data, _ := os.ReadFile(d.path)
	for line := range strings.Lines(string(data)) {
		f := strings.SplitN(strings.TrimSpace(line), ":", 4)
		if len(f) < 3 || f[0] == "" || strings.ContainsAny(f[0][:1], "#+-") {
			continue
		}
		if id, err := strconv.Atoi(f[2]); err == nil && id >= 0 {
			if _, dup := out[f[0]]; !dup {
				out[f[0]] = id
			}
		}
	}
	return out
}

// id resolves a configured name or numeric id.
func (d dkimIDs) id(v string) (int, error) {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return n, nil
	}
	if id, ok := d.entries()[v]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("unknown %s %q: not in %s", d.kind, v, d.path)
}

// name is how State shows an id: the name when the root knows one.
func (d dkimIDs) name(id int) string {
	best := ""
	for n, i := range d.entries() {
		if i == id && (best == "" || n < best) {
			best = n
		}
	}
	if best == "" {
		return strconv.Itoa(id)
	}
	return best
}

// canonical is how a configured value compares with State.
func (d dkimIDs) canonical(v string) string {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return d.name(n)
	}
	return v
}
