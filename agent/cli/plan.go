package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/agent/run"
	"github.com/tendhq/tend/config"
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

// makePlan reads and plans every resource of the catalog (run.Plan).
func makePlan(ctx context.Context, env *cmdEnv, cat *config.Catalog, c *common) (*plan.Plan, error) {
	return run.Plan(ctx, cat, c.runOptions(env, "plan"))
}

// runOptions are the flags as a run takes them; its warnings are said as
// tend name's.
func (c *common) runOptions(env *cmdEnv, name string) run.Options {
	return run.Options{Repo: c.repo, StateDir: c.stateDir, Parallel: c.parallel, Warn: func(msg string) {
		fmt.Fprintf(env.stderr, "tend %s: warning: %s\n", name, msg)
	}}
}
