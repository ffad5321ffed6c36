package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/hashicorp/hcl/v2"
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
	for _, n := range nodes {
		cat, d := repo.Catalog(n)
		diags = append(diags, d...)
		if cat != nil {
			count += len(cat.Instances)
		}
	}
	if !printDiags(env, repo, diags) {
		return exitUsage
	}
	fmt.Fprintf(env.stdout, "Configuration valid: %d node(s), %d resource(s).\n", len(nodes), count)
	return 0
}
