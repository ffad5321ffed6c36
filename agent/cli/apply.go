package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/providers/files/atomicfile"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
)

// runApply converges the host, or applies a saved plan after checking
// that neither the configuration nor the host moved since it was made.
func runApply(ctx context.Context, env *cmdEnv, args []string) int {
	var c common
	fs := newFlags("apply", env, &c, true)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	var saved *plan.Saved
	if fs.NArg() > 1 {
		fmt.Fprintln(env.stderr, "tend apply: at most one saved plan")
		return exitUsage
	}
	if fs.NArg() == 1 {
		var err error
		if saved, err = plan.ReadFile(fs.Arg(0)); err != nil {
			fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
			return exitUsage
		}
		adoptSaved(fs, &c, saved)
	}
	env.announce(supervise.Run{Command: "apply", Repo: c.repo, Node: c.node, Root: c.root, StateDir: c.stateDir, Started: time.Now()})
	cat, ok := loadObserved(ctx, env, &c)
	if !ok {
		return exitUsage
	}
	if saved != nil && !checkSaved(ctx, env, cat, &c, saved) {
		return exitUsage
	}
	if err := ensureStateDir(c.stateDir); err != nil {
		fmt.Fprintf(env.stderr, "tend apply: state directory: %v\n", err)
		return exitUsage
	}

	return apply(ctx, env, cat, &c, report.Source{Repo: c.repo, ID: sourceID(c.repo)})
}

// adoptSaved takes the repository, root and node from a saved plan unless
// the flags name them.
func adoptSaved(fs *flag.FlagSet, c *common, s *plan.Saved) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["repo"] {
		c.repo = s.Repo
	}
	if !set["root"] {
		c.root = s.Root
	}
	if !set["node"] {
		c.node = s.Node
	}
}

func checkSaved(ctx context.Context, env *cmdEnv, cat *config.Catalog, c *common, s *plan.Saved) bool {
	fresh, err := makePlan(ctx, cat, c)
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
func apply(ctx context.Context, env *cmdEnv, cat *config.Catalog, c *common, src report.Source) int {
	if err := sweepState(c.stateDir); err != nil {
		fmt.Fprintf(env.stderr, "tend apply: warning: %v\n", err)
	}
	pending, err := engine.OpenPending(c.stateDir)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return exitUsage
	}
	blocks, warning, err := engine.OpenBlocks(c.stateDir, true)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: %v\n", err)
		return exitUsage
	}
	if warning != "" {
		fmt.Fprintf(env.stderr, "tend apply: warning: %s\n", warning)
	}
	nodes, _ := engineNodes(cat)
	start, runID := time.Now(), newRunID()
	env.announceRun(runID, start)
	res := engine.Apply(ctx, nodes, cat.Graph, engine.Options{Parallel: c.parallel, Pending: pending, Blocks: blocks})
	red := resources.NewRedactor(cat.Secrets)
	redact(&res, cat)
	src.Why = red.String(src.Why)
	rep := report.New(res, start, time.Since(start))
	rep.RunID, rep.Node, rep.Root = runID, cat.Node, c.root
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
	printOutcomes(env.stdout, res)
	path, err := report.Write(c.stateDir, rep, report.DefaultKeep)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend apply: writing the report: %v\n", err)
		return report.ExitCode(rep.Summary.Changed > 0, true) | rep.ExitCode&report.ExitLastKnownGood
	}
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

// printOutcomes tells, per resource that did or failed something, what
// happened, with the change it made.
func printOutcomes(w io.Writer, res engine.Result) {
	for _, o := range res.Outcomes {
		switch o.Status {
		case engine.Changed:
			single := &plan.Plan{Resources: []plan.Resource{{Address: o.Addr, Change: o.Change, RefreshFrom: o.RefreshFrom}}}
			if o.Change.Action != resources.NoOp && o.Change.Action != resources.Refresh {
				single.Resources[0].RefreshFrom = nil
				plan.RenderResources(w, single)
			}
			for _, e := range o.Events {
				fmt.Fprintf(w, "%s: %s\n", o.Addr, e)
			}
		case engine.Failed:
			fmt.Fprintf(w, "%s: FAILED: %s\n", o.Addr, o.Err)
		case engine.Skipped:
			fmt.Fprintf(w, "%s: skipped: %s\n", o.Addr, o.SkippedBy)
		}
	}
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
