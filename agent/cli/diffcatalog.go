package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/agent/catalogdiff"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/resources"
)

const diffCatalogUsage = "Usage: tend diff-catalog [--repo DIR] OLD_REF NEW_REF [--node NAME] [--json]"

func newDiffCatalogCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	var c common
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "diff-catalog [flags] OLD_REF NEW_REF",
		Short: "compare every node's desired state at two commits (for review)",
		Long: "Compares every node's desired state (or the one --node names) at two commits of the repository.\n" +
			"Exit code 0: no node differs; 2: some do; 1: a node fails to evaluate at NEW_REF, or usage.",
		Example: "  tend diff-catalog --repo /srv/nodes origin/main HEAD\n  tend diff-catalog main feature --node web1 --json",
		Run: runs(env, func(ctx context.Context, cmd *cobra.Command, args []string) int {
			node := ""
			if cmd.Flags().Changed("node") {
				node = c.node
			}
			return runDiffCatalog(ctx, env, &c, node, asJSON, args)
		}),
	}
	c.addFlags(cmd.Flags(), env, host, readsRepo)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the comparison as JSON")
	return cmd
}

// runDiffCatalog compares every node's desired state at two commits of
// the repository: exit 0 when no node differs, 2 when some do, 1 when a
// node fails to evaluate at NEW_REF or the comparison cannot be made.
func runDiffCatalog(ctx context.Context, env *cmdEnv, c *common, node string, asJSON bool, refs []string) int {
	if len(refs) != 2 {
		fmt.Fprintln(env.stderr, diffCatalogUsage)
		return exitUsage
	}
	repoDir, err := filepath.Abs(c.repo)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend: %v\n", err)
		return exitUsage
	}
	reg, ok := openProviders(env, c)
	if !ok {
		return exitUsage
	}
	rep, err := catalogdiff.Run(ctx, catalogdiff.Options{Old: refs[0], New: refs[1], Node: node,
		Config: config.Options{Repo: repoDir, Library: modules.Library, Registry: reg,
			Identity: c.identity, MaxFileSize: int64(c.maxFileSize), Env: resources.Env{}}})
	if err != nil {
		fmt.Fprintf(env.stderr, "tend diff-catalog: %v\n", err)
		var refErr *catalogdiff.RefError
		if errors.As(err, &refErr) {
			fmt.Fprintln(env.stderr, diffCatalogUsage)
		}
		return exitUsage
	}
	if asJSON {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintf(env.stdout, "%s\n", b)
	} else {
		catalogdiff.Write(env.stdout, rep)
	}
	switch {
	case rep.Broken():
		return exitUsage
	case rep.Differs():
		return 2
	}
	return 0
}
