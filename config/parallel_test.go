package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
)

// TestEachCatalogAsSequential evaluates every node of every fixture
// repository through EachCatalog and one by one through Catalog, each on
// a repository of its own, and wants the same catalogs and the same
// diagnostics in the same order. Run with -race, it also tells that
// catalogs built at the same time share nothing they write.
func TestEachCatalogAsSequential(t *testing.T) {
	var dirs []string
	for _, kind := range []string{"valid", "invalid"} {
		m, err := filepath.Glob(filepath.Join(fixtureRoot, kind, "*"))
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, m...)
	}
	dirs = append(dirs, filepath.Join(fixtureRoot, "example"))
	for _, dir := range dirs {
		if fi, err := os.Stat(filepath.Join(dir, "nodes")); err != nil || !fi.IsDir() {
			continue
		}
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			seq, nodes := open(t, dir)
			var want []string
			for _, n := range nodes {
				cat, diags := seq.Catalog(n)
				want = append(want, summarize(n, cat, diags, seq.Sources()))
			}
			par, _ := open(t, dir)
			var got []string
			par.EachCatalog(nodes, func(n string, cat *config.Catalog, diags hcl.Diagnostics) {
				got = append(got, summarize(n, cat, diags, par.Sources()))
			})
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("EachCatalog:\n%s\nCatalog one by one:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// open opens a repository, with the node list doubled so that nodes are
// evaluated beside themselves too.
func open(t *testing.T, dir string) (*config.Repo, []string) {
	repo, _ := config.Open(config.Options{Repo: dir, Library: modules.Library, Registry: providers.Builtin()})
	nodes := repo.Nodes()
	return repo, append(nodes, nodes...)
}

func summarize(node string, cat *config.Catalog, diags hcl.Diagnostics, src config.Sources) string {
	var b strings.Builder
	fmt.Fprintf(&b, "node %s:", node)
	if cat != nil {
		fmt.Fprintf(&b, " digest %s, %d instances:", cat.Digest, len(cat.Instances))
		for _, inst := range cat.Instances {
			fmt.Fprintf(&b, " %s", inst.Addr)
		}
	}
	b.WriteString("\n")
	config.WriteDiagnostics(&b, diags, src)
	return b.String()
}
