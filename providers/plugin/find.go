package plugin

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ExecPrefix starts the name of every external provider executable:
// tend-provider-NAME provides the provider NAME.
const ExecPrefix = "tend-provider-"

// DefaultPluginDir is where external providers are installed.
const DefaultPluginDir = "/usr/lib/tend/providers"

var providerName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// External is one provider executable found in a plugin directory.
type External struct {
	Name string
	Path string
}

// FindExternal lists the provider executables in dir, sorted by name:
// executable files (or links to them) named tend-provider-NAME, NAME in
// lower-case letters, digits, '-' and '_'. Other names, such as a
// packaging tool's tend-provider-x.dpkg-old, are not providers. A
// missing directory has none.
func FindExternal(dir string) ([]External, error) {
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []External
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), ExecPrefix)
		if !ok || !providerName.MatchString(name) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			continue
		}
		out = append(out, External{Name: name, Path: path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
