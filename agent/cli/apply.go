package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/console"
	"github.com/tendhq/tend/agent/run"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/agent/version"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
)

// applyOpts are tend apply's flags.
type applyOpts struct {
	common
	wait    time.Duration
	noColor bool
}

func newApplyCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	var o applyOpts
	cmd := &cobra.Command{
		Use:   "apply [flags] [SAVED_PLAN]",
		Short: "converge the host (or apply a saved plan)",
		Long: "Converges the host to the node's configuration, or applies SAVED_PLAN (made by 'tend plan --out')\n" +
			"after checking that neither the configuration nor the host moved since. Runs as root, or with\n" +
			"--root DIR on a tree the user can write.\n" +
			"Exit code 0: nothing to do; 2: changes; 4: failures; 6: both; 1: invalid configuration or usage;\n" +
			"5: another run holds the lock.",
		Example: "  tend apply --repo /srv/nodes\n" +
			"  tend plan --out web1.plan && tend apply web1.plan\n" +
			"  tend apply --root /srv/scratch --state-dir /srv/scratch-state --node web1",
		Run: runs(env, func(ctx context.Context, cmd *cobra.Command, args []string) int {
			return runApply(ctx, env, cmd.Flags(), &o, args)
		}),
	}
	o.addFlags(cmd.Flags(), env, host, changesHost)
	cmd.Flags().DurationVar(&o.wait, "wait-for-lock", 0, "when another run holds the lock, wait this long for it (default: exit at once with code 5)")
	addNoColor(cmd.Flags(), &o.noColor)
	o.loudness.addFlags(cmd.Flags())
	cmd.MarkFlagsMutuallyExclusive("quiet", "verbose")
	return cmd
}

// runApply converges the host, or applies a saved plan after checking
// that neither the configuration nor the host moved since it was made.
func runApply(ctx context.Context, env *cmdEnv, fs *pflag.FlagSet, o *applyOpts, args []string) int {
	c := &o.common
	var saved *plan.Saved
	if len(args) > 1 {
		fmt.Fprintln(env.stderr, "tend apply: at most one saved plan")
		return exitUsage
	}
	if len(args) == 1 {
		var err error
		if saved, err = plan.ReadFile(args[0]); err != nil {
			fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
			return exitUsage
		}
		if !adoptSaved(env, fs, c, saved) {
			return exitUsage
		}
	}
	if !mayChangeHost(env, "apply", c.root) {
		return exitUsage
	}
	env.colour(o.noColor)
	lock, code, ok := lockRun(ctx, env, "apply", c.stateDir, o.wait)
	if !ok {
		return code
	}
	defer lock.Release()
	env.announce(supervise.Run{Command: "apply", Repo: c.repo, Node: c.node, Root: c.root, StateDir: c.stateDir, Started: time.Now()})
	warnDisabled(env, "apply", c.stateDir)
	cat, ok := loadObserved(ctx, env, c)
	if !ok {
		return finished(env, lock, exitUsage)
	}
	if saved != nil && !checkSaved(ctx, env, cat, c, saved) {
		return finished(env, lock, exitUsage)
	}
	return apply(ctx, env, lock, cat, c, report.Source{})
}

// adoptSaved takes the repository, node, root and state directory from a
// saved plan unless the flags name them, and refuses the plan when the
// flags name others, or when it was made on another host or by another
// tend. ok is false when nothing may be applied.
func adoptSaved(env *cmdEnv, fs *pflag.FlagSet, c *common, s *plan.Saved) bool {
	set := fs.Changed
	if !set("repo") {
		c.repo = s.Repo
	}
	if set("node") && c.node != s.Node {
		return refuseSaved(env, fmt.Sprintf("it is a plan for node %s, not %s", s.Node, c.node))
	}
	c.node = s.Node
	for _, f := range []struct {
		flag     string
		dst      *string
		fromPlan string
	}{{"root", &c.root, s.Root}, {"state-dir", &c.stateDir, s.StateDir}} {
		if !set(f.flag) {
			*f.dst = f.fromPlan
		}
	}
	here, err := madeHere(c)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return false
	}
	if why := s.Made.Mismatch(here); why != "" {
		return refuseSaved(env, why)
	}
	if here.Host == "" {
		fmt.Fprintf(env.stderr, "tend apply: note: %s has no machine-id (etc/machine-id, var/lib/dbus/machine-id): the plan is bound to its node, root, state directory and tend, not to a host\n", here.Root)
	}
	return true
}

func refuseSaved(env *cmdEnv, why string) bool {
	fmt.Fprintf(env.stderr, "tend apply: refusing the saved plan: %s. Nothing was applied.\n", why)
	return false
}

// madeHere is where a plan made or applied with these flags is: the
// absolute root and state directory, the host under the root, this tend.
func madeHere(c *common) (plan.Made, error) {
	root, err := filepath.Abs(c.root)
	if err != nil {
		return plan.Made{}, err
	}
	state, err := filepath.Abs(c.stateDir)
	if err != nil {
		return plan.Made{}, err
	}
	host, err := plan.MachineID(root)
	return plan.Made{Host: host, Root: root, StateDir: state, Tend: version.String()}, err
}

func checkSaved(ctx context.Context, env *cmdEnv, cat *config.Catalog, c *common, s *plan.Saved) bool {
	fresh, err := makePlan(ctx, env, cat, c)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return false
	}
	if why := s.Stale(fresh); why != "" {
		fmt.Fprintf(env.stderr, "tend apply: refusing the saved plan: %s. Nothing was applied; make a new plan.\n", why)
		return false
	}
	return true
}

// apply converges the host to the catalog (run.Apply) and says what it
// did; src says where the configuration came from, when not from the
// repository the flags name.
func apply(ctx context.Context, env *cmdEnv, lock *runlock.Lock, cat *config.Catalog, c *common, src report.Source) int {
	var live *console.Live
	a, err := run.Apply(ctx, cat, run.ApplyOptions{
		Options: c.runOptions(env, "apply"), Root: c.root, Source: src, InternalError: env.fallback,
		Start: func(id string, at time.Time) engine.Watcher {
			env.announceRun(id, at)
			live = env.watch(run.NewRedactor(cat), c.loudness.level())
			return live
		},
	})
	if a.Report == nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return finished(env, lock, exitUsage)
	}
	live.Close()
	printAfterWalk(env.stdout, a.Result)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return a.ExitCode
	}
	finished(env, lock, 0)
	s := a.Report.Summary
	fmt.Fprintf(env.stdout, "Apply: %d changed, %d failed, %d skipped, %d unchanged. Report: %s\n",
		s.Changed, s.Failed, s.Skipped, s.Unchanged, a.Path)
	return a.ExitCode
}

// printAfterWalk tells what the apply did besides converging resources,
// whose outcomes the console showed as they came.
func printAfterWalk(w io.Writer, res engine.Result) {
	if res.Swept > 0 {
		fmt.Fprintf(w, "removed %d temporary files that interrupted runs had left\n", res.Swept)
	}
	for _, d := range res.Dropped {
		fmt.Fprintf(w, "dropped pending refresh events for %s: no longer in the configuration\n", d)
	}
}
