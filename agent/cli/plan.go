package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
)

// planOpts are tend plan's flags.
type planOpts struct {
	common
	asJSON  bool
	out     string
	noColor bool
	verbose bool
}

func newPlanCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	var o planOpts
	cmd := &cobra.Command{
		Use:   "plan [flags]",
		Short: "show what apply would change, and why",
		Long: "Reads the host and shows what apply would change, and why; nothing on the host changes.\n" +
			"Exit code 0: nothing to do; 2: changes; 4: some resource could not be planned; 6: both; 1: invalid configuration.",
		Example: "  tend plan --repo /srv/nodes --node web1\n" +
			"  tend plan --root /srv/scratch --state-dir /srv/scratch-state --out web1.plan\n" +
			"  tend plan --json | jq .summary",
		Run: runs(env, func(ctx context.Context, _ *cobra.Command, args []string) int {
			return runPlan(ctx, env, &o, args)
		}),
	}
	o.addFlags(cmd.Flags(), env, host, changesHost)
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print the plan as JSON")
	cmd.Flags().StringVar(&o.out, "out", "", "save the plan to this file for 'tend apply FILE'")
	cmd.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "show, under each resource, where every value not written in its block came from (data layer, variable, local)")
	addNoColor(cmd.Flags(), &o.noColor)
	return cmd
}

// runPlan shows what apply would do. Nothing on the host changes: only
// the resources' Read and Plan run.
func runPlan(ctx context.Context, env *cmdEnv, o *planOpts, args []string) int {
	c := &o.common
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "tend plan: unexpected argument %q\n", args[0])
		return exitUsage
	}
	env.colour(o.noColor)
	if !mayPlan(env, "plan", c.root, c.stateDir) {
		return exitUsage
	}
	warnRunning(env, "plan", existingDir(c.stateDir))
	cat, ok := loadObserved(ctx, env, c)
	if !ok {
		return exitUsage
	}
	p, err := makePlan(ctx, env, cat, c)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend plan: %v\n", err)
		return exitUsage
	}
	if o.asJSON {
		b, _ := json.MarshalIndent(p, "", "  ")
		fmt.Fprintln(env.stdout, string(b))
	} else {
		plan.RenderWith(env.stdout, p, plan.Options{Verbose: o.verbose})
	}
	if o.out != "" {
		made, err := madeHere(c)
		if err == nil {
			err = plan.WriteFile(o.out, &plan.Saved{Plan: *p, Repo: c.repo, Made: made})
		}
		if err != nil {
			fmt.Fprintf(env.stderr, "tend plan: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(env.stdout, "Saved the plan to %s; apply it with: tend apply %s\n", o.out, o.out)
	}
	return report.ExitCode(p.HasChanges(), p.Summary.Errors > 0)
}

// makePlan reads and plans every resource of the catalog.
func makePlan(ctx context.Context, env *cmdEnv, cat *config.Catalog, c *common) (*plan.Plan, error) {
	nodes, notifies := engineNodes(cat)
	pending, err := engine.OpenPending(existingDir(c.stateDir))
	var damaged *engine.DamagedPending
	if errors.As(err, &damaged) {
		fmt.Fprintf(env.stderr, "tend plan: warning: %v\n", err)
		pending, err = engine.AssumePending(notifyTargets(notifies), time.Now()), nil
	}
	if err != nil {
		return nil, err
	}
	blocks, warning, err := engine.OpenBlocks(existingDir(c.stateDir), false)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		fmt.Fprintf(c.warn, "tend: warning: %s\n", warning)
	}
	res := engine.Plan(ctx, nodes, cat.Graph, engine.Options{Parallel: c.parallel, Pending: pending, Blocks: blocks})
	newOutcomeRedactor(cat).result(&res)
	p := plan.FromResult(cat.Node, cat.Digest, res, notifies)
	p.Computed = cat.Computed
	p.AddSources(cat.Sources())
	p.Commit = sourceID(c.repo)
	return p, nil
}

// notifyTargets lists every resource something notifies: the resources a
// lost refresh event could have been for.
func notifyTargets(notifies [][]string) []string {
	var out []string
	for _, ts := range notifies {
		out = append(out, ts...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
