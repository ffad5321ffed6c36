package scratchroot

import (
	"fmt"
	"strings"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/resources"
)

// Load builds node's catalog from the repository at repo the way `tend
// validate` does, with the built-in kinds and the module library, bound
// to root. Computed attributes take their values from observed (by
// instance address), as if the host had shown them.
func Load(repo, node, root string, observed map[string]resources.State) (*config.Catalog, error) {
	r, diags := config.Open(config.Options{Repo: repo, Library: modules.Library,
		Registry: providers.Builtin(), Env: resources.Env{Root: root}})
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s", diags.Error())
	}
	cat, diags := r.CatalogObserved(node, observed)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s", diags.Error())
	}
	return cat, nil
}

// Packages lists the names of the catalog's package resources that are
// to be present.
func Packages(cat *config.Catalog) []string {
	var out []string
	for _, inst := range cat.Instances {
		if inst.Kind.Schema().Kind != "package" || inst.Config == nil {
			continue
		}
		if inst.Config.String("ensure", "present") == "present" {
			name, _, _ := strings.Cut(inst.Config.String("name", ""), ":")
			out = append(out, name)
		}
	}
	return out
}

// PrepareFor prepares dir as a host on which node's packages are
// installed (see Prepare).
func PrepareFor(dir, repo, node string) error {
	cat, err := Load(repo, node, dir, nil)
	if err != nil {
		return err
	}
	return Prepare(dir, Packages(cat))
}
