package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/agent/version"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources/atomicfile"
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
	return apply(ctx, env, lock, cat, c, report.Source{Repo: c.repo, ID: sourceID(c.repo)})
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

// apply converges the host to the catalog and writes the report; src
// says where the configuration came from.
func apply(ctx context.Context, env *cmdEnv, lock *runlock.Lock, cat *config.Catalog, c *common, src report.Source) int {
	clearStateDirs(env, "apply", c.stateDir)
	if err := sweepState(c.stateDir); err != nil {
		fmt.Fprintf(env.stderr, "tend apply: warning: %v\n", err)
	}
	nodes, notifies := engineNodes(cat)
	pending, err := openPending(env, c.stateDir, notifyTargets(notifies))
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return finished(env, lock, exitUsage)
	}
	blocks, warning, err := engine.OpenBlocks(c.stateDir, true)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return finished(env, lock, exitUsage)
	}
	if warning != "" {
		fmt.Fprintf(env.stderr, "tend apply: warning: %s\n", warning)
	}
	start, runID := time.Now(), newRunID()
	env.announceRun(runID, start)
	red := newOutcomeRedactor(cat)
	live := env.watch(red, c.loudness.level())
	res := engine.Apply(ctx, nodes, cat.Graph, engine.Options{Parallel: c.parallel, Pending: pending, Blocks: blocks, Watch: live})
	live.Close()
	red.result(&res)
	src.Why = red.all.String(src.Why)
	rep := report.New(res, start, time.Since(start))
	rep.RunID, rep.Node, rep.Root = runID, cat.Node, c.root
	rep.AddSources(cat.Sources())
	src.Digest = cat.Digest
	rep.Source = src
	if src.LastKnownGood {
		rep.ExitCode |= report.ExitLastKnownGood
	}
	if env.fallback != "" {
		// The tip crashed tend: the run fails whatever the last known
		// good did.
		rep.InternalError, rep.ExitCode = env.fallback, report.ExitInternal
	}
	printAfterWalk(env.stdout, res)
	path, err := report.Write(c.stateDir, rep, report.DefaultKeep)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: writing the report: %v\n", err)
		return report.ExitCode(rep.Summary.Changed > 0, true) | rep.ExitCode&report.ExitLastKnownGood
	}
	finished(env, lock, 0)
	s := rep.Summary
	fmt.Fprintf(env.stdout, "Apply: %d changed, %d failed, %d skipped, %d unchanged. Report: %s\n",
		s.Changed, s.Failed, s.Skipped, s.Unchanged, path)
	return rep.ExitCode
}

// sweepState removes the temporary files interrupted runs left where tend
// writes its own state: the directory itself, reports, map build records
// and every directory of backups (the agent's checkouts are not swept).
func sweepState(dir string) error {
	for sub, below := range map[string]bool{"": false, report.ReportsDir: false, "postfix-maps": false, "backups": true} {
		if _, err := atomicfile.SweepTree(filepath.Join(dir, sub), below); err != nil {
			return err
		}
	}
	return nil
}

// openPending loads the pending refresh events; a damaged file is moved
// aside, with a warning, and every resource something notifies is
// refreshed once instead.
func openPending(env *cmdEnv, stateDir string, targets []string) (*engine.Pending, error) {
	pending, err := engine.OpenPending(stateDir)
	var damaged *engine.DamagedPending
	if !errors.As(err, &damaged) {
		return pending, err
	}
	pending, aside, err := engine.RecoverPending(stateDir, targets, time.Now())
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(env.stderr, "tend apply: warning: %s was damaged (%v); moved aside to %s; refreshing each of the %d resource(s) something notifies once instead\n",
		damaged.Path, damaged.Err, aside, len(targets))
	return pending, nil
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

func newRunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
