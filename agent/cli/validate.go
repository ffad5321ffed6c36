package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config"
)

// runValidate checks every node (or the one named by --node) without
// reading anything on the host.
func runValidate(_ context.Context, env *cmdEnv, args []string) int {
	var c common
	fs := newFlags("validate", env, &c, false)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	all := true // without --node, every node is validated
	fs.Visit(func(f *flag.Flag) { all = all && f.Name != "node" })
	repo, ok := openRepo(env, &c)
	if !ok {
		return exitUsage
	}
	nodes := []string{c.node}
	if all {
		nodes = repo.Nodes()
	}
	var diags hcl.Diagnostics
	count := 0
	seen := map[string]bool{}
	repo.EachCatalog(nodes, func(_ string, cat *config.Catalog, d hcl.Diagnostics) {
		// A problem in a file several nodes read is reported once.
		for _, x := range d {
			if key := diagKey(x); !seen[key] {
				seen[key] = true
				diags = append(diags, x)
			}
		}
		if cat != nil {
			count += len(cat.Instances)
		}
	})
	if !printDiags(env, repo, diags) {
		return exitUsage
	}
	fmt.Fprintf(env.stdout, "Configuration valid: %d node(s), %d resource(s).\n", len(nodes), count)
	return 0
}

// diagKey tells diagnostics apart: the same problem met by two nodes has
// the same key.
func diagKey(d *hcl.Diagnostic) string {
	key := fmt.Sprintf("%d\x00%s\x00%s", d.Severity, d.Summary, d.Detail)
	if d.Subject != nil {
		key += "\x00" + d.Subject.String()
	}
	return key
}
