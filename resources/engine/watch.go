package engine

import (
	"context"
	"slices"
	"time"

	"github.com/tendhq/tend/resources"
)

// Watcher hears about an apply as it happens, so the operator sees each
// resource's outcome when it is known rather than when the run ends. Its
// methods are called from the walk's goroutines, possibly at once, and
// must not block for long: the walk waits for them.
type Watcher interface {
	// Started: work on the resource at addr began.
	Started(addr string, at time.Time)
	// Told: the resource at addr said n while it worked.
	Told(addr string, n resources.News)
	// Finished: the resource's outcome, a copy. A resource is finished
	// again when a rollback after the walk fails it: the later outcome
	// replaces the earlier.
	Finished(o Outcome)
}

// started tells the watcher, if any, that work on node i began.
func (w *walk) started(i int) {
	if w.watch != nil {
		w.watch.Started(w.out[i].Addr, w.opts.Now())
	}
}

// finished gives the watcher, if any, node i's outcome.
func (w *walk) finished(i int) {
	if w.watch == nil {
		return
	}
	o := w.out[i]
	o.Events = slices.Clone(o.Events)
	w.watch.Finished(o)
}

// listening is ctx with node i's News going to the watcher, if any.
func (w *walk) listening(ctx context.Context, i int) context.Context {
	if w.watch == nil {
		return ctx
	}
	addr := w.out[i].Addr
	return resources.WithListener(ctx, func(n resources.News) { w.watch.Told(addr, n) })
}
