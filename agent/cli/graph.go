package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/resources"
)

func newGraphCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:     "graph [flags]",
		Short:   "print a node's resource graph in DOT",
		Example: "  tend graph --node web1 | dot -Tsvg > web1.svg",
		Args:    cobra.NoArgs,
		Run: runs(env, func(context.Context, *cobra.Command, []string) int {
			return runGraph(env, &c)
		}),
	}
	c.addFlags(cmd.Flags(), env, host, readsRepo)
	return cmd
}

// runGraph prints the node's resource graph in DOT: edges point from a
// resource to what needs it first, labelled with why.
func runGraph(env *cmdEnv, c *common) int {
	cat, ok := loadCatalog(env, c)
	if !ok {
		return exitUsage
	}
	labels := make([]string, len(cat.Instances))
	for i, inst := range cat.Instances {
		labels[i] = inst.Addr.String()
	}
	// Edges say why ("needs /etc/app"): a path may be built from a secret.
	fmt.Fprint(env.stdout, resources.NewRedactor(cat.Secrets).String(cat.Graph.DOT(labels)))
	return 0
}
