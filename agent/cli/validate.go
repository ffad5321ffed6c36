package cli

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"github.com/tendhq/tend/config"
)

func newValidateCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:   "validate [flags]",
		Short: "check the node repository without touching the host",
		Long: "Evaluates every node of the repository (or the one --node names) and reports what is wrong,\n" +
			"without reading anything on the host. Exit code 0: valid; 1: invalid.",
		Example: "  tend validate --repo /srv/nodes\n  tend validate --node web1",
		Run: runs(env, func(_ context.Context, cmd *cobra.Command, _ []string) int {
			return runValidate(env, &c, !cmd.Flags().Changed("node"))
		}),
	}
	c.addFlags(cmd.Flags(), env, host, readsRepo)
	return cmd
}

// runValidate checks every node (all), or the one named by --node,
// without reading anything on the host.
func runValidate(env *cmdEnv, c *common, all bool) int {
	repo, ok := openRepo(env, c)
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
