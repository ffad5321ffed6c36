package run

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
)

// Options say where a run works.
type Options struct {
	// Repo is the node repository's directory: plans and reports name
	// its commit.
	Repo string
	// StateDir is tend's state directory: pending refresh events, blocks,
	// reports. A plan only reads it, and only when it exists.
	StateDir string
	// Parallel is how many resources the engine works on at once.
	Parallel int
	// Warn is told, in a sentence, what the run works around: a damaged
	// state file ignored or moved aside, temporaries it could not
	// remove. Nil drops the warnings.
	Warn func(msg string)
}

func (o Options) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
	}
}

// Plan reads and plans every resource of the catalog. Nothing on the
// host changes: only the resources' Read and Plan run.
func Plan(ctx context.Context, cat *config.Catalog, o Options) (*plan.Plan, error) {
	nodes, notifies := engineNodes(cat)
	dir := existingDir(o.StateDir)
	pending, err := engine.OpenPending(dir)
	var damaged *engine.DamagedPending
	if errors.As(err, &damaged) {
		o.warn(err.Error())
		pending, err = engine.AssumePending(notifyTargets(notifies), time.Now()), nil
	}
	if err != nil {
		return nil, err
	}
	blocks, warning, err := engine.OpenBlocks(dir, false)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		o.warn(warning)
	}
	res := engine.Plan(ctx, nodes, cat.Graph, engine.Options{Parallel: o.Parallel, Pending: pending, Blocks: blocks})
	NewRedactor(cat).result(&res)
	p := plan.FromResult(cat.Node, cat.Digest, res, notifies)
	p.Computed = cat.Computed
	p.AddSources(cat.Sources())
	p.Commit = commit(o.Repo)
	return p, nil
}

// existingDir returns dir when it exists, else "": a plan reads pending
// refresh events when there are any, and never creates the directory.
func existingDir(dir string) string {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir
	}
	return ""
}
