package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
	"github.com/tendhq/tend/resources/health"
)

// Plan reads and plans every resource without changing anything. A
// resource that will change marks the resources it notifies for refresh,
// as do events still pending from earlier runs.
func Plan(ctx context.Context, nodes []Node, g *graph.Graph, opts Options) Result {
	w := newWalk(nodes, g, opts)
	w.run(ctx, func(ctx context.Context, i int) bool {
		if !w.observe(ctx, i) || !w.checkAccounts(i, false) || !w.checkPaths(ctx, i, false) {
			return true
		}
		w.markBlocked(i)
		var from []string
		for _, n := range w.notifiedBy[i] {
			if _, blocked := w.blocked[n]; changes(w.out[n].Change.Action) && !blocked {
				from = append(from, w.out[n].Addr)
			}
		}
		for _, p := range w.opts.Pending.For(w.out[i].Addr) {
			from = append(from, p+" (pending from an earlier run)")
		}
		w.out[i].RefreshFrom = from
		if len(from) > 0 && w.out[i].Change.Action == resources.NoOp {
			w.out[i].Change.Action = resources.Refresh
		}
		return true
	}, nil)
	return Result{Outcomes: w.out, Dropped: w.stray()}
}

// Apply converges every resource in dependency order. A resource whose
// dependency failed is skipped; independent resources still converge.
// Batchers are parked and applied together when nothing else can run.
func Apply(ctx context.Context, nodes []Node, g *graph.Graph, opts Options) Result {
	swept := sweep(nodes)
	w := newWalk(nodes, g, opts)
	w.watch, w.apply = opts.Watch, true
	// A block whose configuration changed is lifted; if that cannot be
	// recorded, the file is rewritten on the next run that can.
	_ = w.opts.Blocks.Lift(w.digestOf)
	w.run(ctx, func(ctx context.Context, i int) bool {
		w.started(i)
		if dep := w.failedDep(i); dep != "" {
			w.out[i].Status, w.out[i].SkippedBy = Skipped, "depends on "+dep+", which did not converge"
			w.out[i].RefreshFrom = w.opts.Pending.For(w.out[i].Addr)
			return true
		}
		if !w.observe(ctx, i) || !w.checkAccounts(i, true) || !w.checkPaths(ctx, i, true) {
			return true
		}
		if w.out[i].Change.Action == resources.Unknown {
			// What it would change is not known: nothing may be applied.
			w.fail(i, errors.New(w.out[i].Change.Reason))
			return true
		}
		if !changes(w.out[i].Change.Action) {
			w.refresh(ctx, i)
			return true
		}
		if bl, ok := w.blocked[i]; ok {
			w.fail(i, errors.New(blockedHow(bl, w.out[i].Addr)))
			return true
		}
		if !w.recordNotify(i) {
			return true
		}
		if _, ok := w.nodes[i].Resource.(resources.Batcher); ok {
			w.park(i)
			return false
		}
		w.finish(ctx, i, w.nodes[i].Resource.Apply(ctx, w.out[i].Change))
		return true
	}, w.flush)
	w.failUndone()
	dropped := w.stray()
	for _, t := range dropped {
		_ = w.opts.Pending.Done(t)
	}
	return Result{Outcomes: w.out, Dropped: dropped, Swept: swept}
}

// sweep removes the temporary files killed runs left in the directories
// the resources write in, once per directory, before anything runs: a
// sweep during the walk could remove a file another resource is writing.
// A directory that cannot be swept is left for its resource to report.
func sweep(nodes []Node) int {
	seen, n := map[string]bool{}, 0
	for _, node := range nodes {
		s, ok := node.Resource.(resources.Sweeper)
		if !ok {
			continue
		}
		var dirs []string
		if resources.Guard(func() error { dirs = s.TempDirs(); return nil }) != nil {
			continue // the resource's own Read or Plan reports a broken kind
		}
		for _, dir := range dirs {
			if !seen[dir] {
				seen[dir] = true
				_ = resources.Guard(func() error {
					removed, err := s.Sweep(dir)
					n += removed
					return err
				})
			}
		}
	}
	return n
}

// recordNotify persists the refresh events node i will send, before its
// change is made, so that a crash between the change and the refresh
// cannot lose them.
func (w *walk) recordNotify(i int) bool {
	targets := w.notifyTargets(i)
	if len(targets) == 0 {
		return true
	}
	if err := w.opts.Pending.Add(w.out[i].Addr, targets, w.opts.Now()); err != nil {
		w.fail(i, fmt.Errorf("recording refresh events: %w", err))
		return false
	}
	w.out[i].Events = append(w.out[i].Events, "notified "+strings.Join(targets, ", "))
	return true
}

// finish completes node i after its Apply returned applyErr: output,
// Verify, status, then the refresh events waiting for it.
func (w *walk) finish(ctx context.Context, i int, applyErr error) {
	o := &w.out[i]
	w.collectOutput(i)
	if applyErr != nil {
		w.fail(i, fmt.Errorf("apply: %w", applyErr))
		return
	}
	o.Events = append(o.Events, "applied "+o.Change.Action.String())
	if err := w.nodes[i].Resource.Verify(ctx); err != nil {
		w.fail(i, fmt.Errorf("verify: %w", err))
		return
	}
	o.Status = Changed
	w.refresh(ctx, i)
}

func (w *walk) park(i int) {
	w.parkMu.Lock()
	defer w.parkMu.Unlock()
	w.parked = append(w.parked, i)
}

// flush applies every parked Batcher, one ApplyBatch call per batch key,
// and returns the nodes it completed. An all-or-nothing batch waits while
// a member of the run has not been planned yet, and is held back whole
// when one failed or was skipped (see resources.Transaction).
func (w *walk) flush(ctx context.Context) []int {
	w.parkMu.Lock()
	parked := w.parked
	w.parked = nil
	w.parkMu.Unlock()
	var order []string
	groups := map[string][]int{}
	for _, i := range parked {
		key := w.nodes[i].Resource.(resources.Batcher).BatchKey()
		if _, seen := groups[key]; !seen {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	var finished, waiting []int
	for _, key := range order {
		members := groups[key]
		failed, wait := w.batchState(key)
		switch {
		case failed != "":
			w.holdBack(members, fmt.Sprintf("held back: %s, applied with it or not at all, did not converge", failed))
		case wait != "":
			waiting = append(waiting, members...)
			continue
		default:
			w.applyBatch(ctx, members)
		}
		finished = append(finished, members...)
	}
	if len(finished) == 0 && len(waiting) > 0 {
		// Nothing else can run: what the members wait for waits for them.
		_, wait := w.batchState(w.nodes[waiting[0]].Resource.(resources.Batcher).BatchKey())
		w.holdBack(waiting, fmt.Sprintf("held back: %s, to be applied with it, depends on it (directly or not)", wait))
		return waiting
	}
	w.parkMu.Lock()
	w.parked = append(w.parked, waiting...)
	w.parkMu.Unlock()
	return finished
}

// batchState says of an all-or-nothing batch key which member failed or
// was skipped, or else which one has not been planned yet ("" for none;
// both "" for a key that is not all or nothing).
func (w *walk) batchState(key string) (failed, waiting string) {
	for _, j := range w.batches[key] {
		switch {
		case w.out[j].Status == Failed || w.out[j].Status == Skipped:
			return w.out[j].Addr, ""
		case !w.visited[j] && waiting == "":
			waiting = w.out[j].Addr
		}
	}
	return "", waiting
}

// holdBack fails every member of a batch that is not applied, with why.
func (w *walk) holdBack(members []int, why string) {
	for _, i := range members {
		w.fail(i, errors.New(why))
	}
}

func (w *walk) applyBatch(ctx context.Context, members []int) {
	items := make([]resources.BatchItem, len(members))
	for k, i := range members {
		items[k] = resources.BatchItem{Resource: w.nodes[i].Resource, Change: w.out[i].Change}
	}
	var errs []error
	for _, i := range members {
		w.started(i)
	}
	w.guard(ctx, members[0], func(ctx context.Context) {
		errs = w.nodes[members[0]].Resource.(resources.Batcher).ApplyBatch(ctx, items)
	})
	if w.out[members[0]].Status == Failed { // the batch itself panicked
		errs = make([]error, len(members))
		for k := range errs {
			errs[k] = fmt.Errorf("batch failed: %s", w.out[members[0]].Err)
		}
	}
	for k, i := range members {
		var err error
		if k < len(errs) {
			err = errs[k]
		}
		w.guard(ctx, i, func(ctx context.Context) { w.finish(ctx, i, err) })
	}
}

// refresh delivers the refresh events waiting for node i, this run's and
// earlier ones', once.
func (w *walk) refresh(ctx context.Context, i int) {
	o := &w.out[i]
	from := w.opts.Pending.For(o.Addr)
	if len(from) == 0 {
		return
	}
	o.RefreshFrom = from
	rf, ok := w.nodes[i].Resource.(resources.Refresher)
	if !ok {
		o.Events = append(o.Events, "ignored refresh from "+strings.Join(from, ", ")+": this kind does not refresh")
		if err := w.opts.Pending.Done(o.Addr); err != nil {
			w.fail(i, err)
		}
		return
	}
	err := rf.Refresh(ctx)
	w.collectOutput(i)
	if err != nil && len(w.nodes[i].Health) > 0 {
		// With health checks declared, a refresh that fails is the first
		// failed check: the change is rolled back as well.
		// Its events stay pending: the next run refreshes it again.
		w.rollback(ctx, i, &health.Failure{Check: "refresh", Output: err.Error()})
		return
	}
	if err != nil {
		w.fail(i, fmt.Errorf("refresh (notified by %s): %w", strings.Join(from, ", "), err))
		return
	}
	o.Events = append(o.Events, "refreshed (notified by "+strings.Join(from, ", ")+")")
	o.Status = Changed
	if err := w.checkHealth(ctx, i); err != nil {
		w.rollback(ctx, i, err)
	}
	if err := w.opts.Pending.Done(o.Addr); err != nil {
		w.fail(i, err)
	}
}

// collectOutput appends what the latest Apply or Refresh of node i
// printed, so a report keeps both when a resource is applied and then
// refreshed (unless the second call left the output as it was).
func (w *walk) collectOutput(i int) {
	out, ok := w.nodes[i].Resource.(resources.Outputter)
	if !ok {
		return
	}
	s := out.Output()
	o := &w.out[i]
	switch {
	case s == "" || s == o.lastOutput:
	case o.Output == "":
		o.Output = s
	default:
		o.Output += "\n" + s
	}
	o.lastOutput = s
}

// stray lists pending targets that are not in the configuration any more.
func (w *walk) stray() []string {
	known := map[string]bool{}
	for _, n := range w.nodes {
		known[n.Addr] = true
	}
	var out []string
	for _, t := range w.opts.Pending.Targets() {
		if !known[t] {
			out = append(out, t)
		}
	}
	return out
}
