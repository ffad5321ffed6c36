package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/tendhq/tend/agent/catalogdiff"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/resources"
)

const diffCatalogUsage = "Usage: tend diff-catalog [--repo DIR] OLD_REF NEW_REF [--node NAME] [--json]"

// runDiffCatalog compares every node's desired state at two commits of
// the repository: exit 0 when no node differs, 2 when some do, 1 when a
// node fails to evaluate at NEW_REF or the comparison cannot be made.
func runDiffCatalog(ctx context.Context, env *cmdEnv, args []string) int {
	var c common
	fs := newFlags("diff-catalog", env, &c, false)
	asJSON := fs.Bool("json", false, "print the comparison as JSON")
	refs, code, ok := parseInterleaved(fs, args)
	if !ok {
		return code
	}
	if len(refs) != 2 {
		fmt.Fprintln(env.stderr, diffCatalogUsage)
		return exitUsage
	}
	node := ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "node" {
			node = c.node
		}
	})
	repoDir, err := filepath.Abs(c.repo)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend: %v\n", err)
		return exitUsage
	}
	reg, ok := openProviders(env, &c)
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
	if *asJSON {
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

// parseInterleaved parses flags given before, between and after the
// positional arguments, which it returns.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var pos []string
	for {
		if code, ok := parse(fs, args); !ok {
			return nil, code, false
		}
		if fs.NArg() == 0 {
			return pos, 0, true
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
