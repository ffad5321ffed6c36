package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
)

// Plan reads and plans every resource without changing anything. A
// resource that will change marks the resources it notifies for refresh,
// as do events still pending from earlier runs.
func Plan(ctx context.Context, nodes []Node, g *graph.Graph, opts Options) Result {
	w := newWalk(nodes, g, opts)
	w.run(ctx, func(ctx context.Context, i int) {
		if !w.observe(ctx, i) {
			return
		}
		var from []string
		for _, n := range w.notifiedBy[i] {
			if changes(w.out[n].Change.Action) {
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
	})
	return Result{Outcomes: w.out, Dropped: w.stray()}
}

// Apply converges every resource in dependency order. A resource whose
// dependency failed is skipped; independent resources still converge.
func Apply(ctx context.Context, nodes []Node, g *graph.Graph, opts Options) Result {
	w := newWalk(nodes, g, opts)
	w.run(ctx, func(ctx context.Context, i int) {
		if dep := w.failedDep(i); dep != "" {
			w.out[i].Status, w.out[i].SkippedBy = Skipped, "depends on "+dep+", which did not converge"
			w.out[i].RefreshFrom = w.opts.Pending.For(w.out[i].Addr)
			return
		}
		if !w.observe(ctx, i) || !w.change(ctx, i) {
			return
		}
		w.refresh(ctx, i)
	})
	dropped := w.stray()
	for _, t := range dropped {
		_ = w.opts.Pending.Done(t)
	}
	return Result{Outcomes: w.out, Dropped: dropped}
}

// change applies and verifies node i's planned change. Refresh events for
// the resources it notifies are persisted before the change is made, so
// that a crash between the change and the refresh cannot lose them.
func (w *walk) change(ctx context.Context, i int) bool {
	o := &w.out[i]
	if !changes(o.Change.Action) {
		return true
	}
	r := w.nodes[i].Resource
	if targets := w.notifyTargets(i); len(targets) > 0 {
		if err := w.opts.Pending.Add(o.Addr, targets, w.opts.Now()); err != nil {
			w.fail(i, fmt.Errorf("recording refresh events: %w", err))
			return false
		}
		o.Events = append(o.Events, "notified "+strings.Join(targets, ", "))
	}
	err := r.Apply(ctx, o.Change)
	w.collectOutput(i)
	if err != nil {
		w.fail(i, fmt.Errorf("apply: %w", err))
		return false
	}
	o.Events = append(o.Events, "applied "+o.Change.Action.String())
	if err := r.Verify(ctx); err != nil {
		w.fail(i, fmt.Errorf("verify: %w", err))
		return false
	}
	o.Status = Changed
	return true
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
	if err != nil {
		w.fail(i, fmt.Errorf("refresh (notified by %s): %w", strings.Join(from, ", "), err))
		return
	}
	o.Events = append(o.Events, "refreshed (notified by "+strings.Join(from, ", ")+")")
	o.Status = Changed
	if err := w.opts.Pending.Done(o.Addr); err != nil {
		w.fail(i, err)
	}
}

func (w *walk) collectOutput(i int) {
	if out, ok := w.nodes[i].Resource.(resources.Outputter); ok {
		if s := out.Output(); s != "" {
			w.out[i].Output = s
		}
	}
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
