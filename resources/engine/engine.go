package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
	"github.com/tendhq/tend/resources/health"
)

// Node is one resource instance as the engine sees it.
type Node struct {
	Addr     string
	Resource resources.Resource
	// Notify lists the nodes this one sends refresh events to when it
	// changes.
	Notify []int
	// Declared is where the resource is declared ("nodes/web.hcl:12"),
	// for errors about the resource as a whole; "" when unknown.
	Declared string
	// Health lists the checks run after the node's refresh (see
	// rollback).
	Health []health.Check
	// Digest summarizes the node's configuration, so that a block set
	// when its change was rolled back lifts once the configuration
	// changes.
	Digest string
}

// Options tune a walk.
type Options struct {
	// Parallel bounds how many resources are worked on at once.
	Parallel int
	// Pending holds refresh events across runs.
	Pending *Pending
	// Timeout bounds all calls made for one resource; zero means none.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Blocks holds changes rolled back after a failed health check; nil
	// means none.
	Blocks *Blocks
	// Watch, when set, hears about an apply as it happens; a plan does
	// not tell it anything.
	Watch Watcher
}

// Status is how a resource ended up.
type Status int

const (
	// Unchanged: already as configured (or only planned, in a plan).
	Unchanged Status = iota
	// Changed: applied or refreshed successfully.
	Changed
	// Failed: an error in read, plan, apply, verify or refresh.
	Failed
	// Skipped: not attempted because a dependency failed or was skipped.
	Skipped
)

var statusNames = [...]string{"unchanged", "changed", "failed", "skipped"}

func (s Status) String() string { return statusNames[s] }

// MarshalText makes statuses readable in JSON reports.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what MarshalText wrote, so reports can be read back.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("unknown status %q", b)
}

// Outcome is what happened to one resource.
type Outcome struct {
	Addr string
	// Observed is what Read returned; only Plan keeps it.
	Observed    resources.State
	Change      resources.Change
	RefreshFrom []string
	Status      Status
	Err         string
	SkippedBy   string
	Output      string
	lastOutput  string
	Events      []string
	Duration    time.Duration
}

// Result is the outcome of a walk.
type Result struct {
	Outcomes []Outcome
	// Dropped lists pending refresh events whose target is no longer in
	// the configuration.
	Dropped []string
	// Swept counts the temporary files earlier, killed runs had left and
	// this apply removed before it began (see resources.Sweeper).
	Swept int
}

type walk struct {
	nodes      []Node
	g          *graph.Graph
	opts       Options
	out        []Outcome
	notifiedBy [][]int
	parkMu     sync.Mutex
	parked     []int            // Batchers waiting for flush, in the order they parked
	visited    []bool           // visit returned for the node (completed or parked)
	batches    map[string][]int // the nodes of every all-or-nothing batch key
	blocked    map[int]Block
	index      map[string]int
	rollMu     sync.Mutex
	undone     []undone // guarded by rollMu
	watch      Watcher  // nil for a plan, or when nobody watches
	// apply is set for an apply, whose outcomes leave out what Read
	// observed: only a plan records it (plan.Build), and a large
	// catalog's states are a sizeable share of the run's memory.
	apply bool
}

func newWalk(nodes []Node, g *graph.Graph, opts Options) *walk {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Pending == nil {
		opts.Pending = &Pending{}
	}
	if opts.Blocks == nil {
		opts.Blocks = &Blocks{}
	}
	w := &walk{nodes: nodes, g: g, opts: opts, out: make([]Outcome, len(nodes)), notifiedBy: make([][]int, len(nodes)),
		visited: make([]bool, len(nodes)), batches: map[string][]int{}}
	for i, n := range nodes {
		w.out[i].Addr = n.Addr
		for _, t := range n.Notify {
			w.notifiedBy[t] = append(w.notifiedBy[t], i)
		}
		if tx, ok := n.Resource.(resources.Transaction); ok && tx.AllOrNothing() {
			w.batches[tx.BatchKey()] = append(w.batches[tx.BatchKey()], i)
		}
	}
	w.blocked, w.index = map[int]Block{}, map[string]int{}
	for i, n := range nodes {
		w.index[n.Addr] = i
	}
	for _, bl := range opts.Blocks.current(w.digestOf) {
		for _, m := range bl.Members {
			if i, ok := w.index[m]; ok {
				w.blocked[i] = bl
			}
		}
	}
	return w
}

// digestOf is the configuration digest of the node at addr, "" when no
// node has that address.
func (w *walk) digestOf(addr string) string {
	if i, ok := w.index[addr]; ok {
		return w.nodes[i].Digest
	}
	return ""
}

// run walks the graph, calling visit for every node with a context bounded
// by the per-resource timeout and panics turned into failures. visit
// returns false to park a node for flush (see graph.Walk).
func (w *walk) run(ctx context.Context, visit func(ctx context.Context, i int) bool, flush func(ctx context.Context) []int) {
	parallel := w.opts.Parallel
	if parallel < 1 {
		parallel = 4
	}
	done := make([]bool, len(w.nodes))
	var flushFn func() []int
	if flush != nil {
		flushFn = func() []int {
			finished := flush(ctx)
			for _, i := range finished {
				done[i] = true
				w.finished(i)
			}
			return finished
		}
	}
	_ = w.g.Walk(ctx, parallel, func(i int) bool {
		complete := true
		w.guard(ctx, i, func(rctx context.Context) { complete = visit(rctx, i) })
		done[i] = complete
		if complete {
			w.finished(i)
		}
		// flush, which reads it, runs only when no visit does.
		w.visited[i] = true
		return complete
	}, flushFn)
	for i, d := range done {
		if !d && w.out[i].Status != Failed {
			w.out[i].Status, w.out[i].SkippedBy = Skipped, "the run was interrupted"
			w.finished(i)
		}
	}
}

// guard calls f for node i with the per-resource timeout, turns a panic
// into a failure of that node, and adds the time taken to its duration.
func (w *walk) guard(ctx context.Context, i int, f func(ctx context.Context)) {
	start := w.opts.Now()
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if w.opts.Timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, w.opts.Timeout)
	}
	defer cancel()
	rctx = w.listening(rctx, i)
	defer func() { w.out[i].Duration += w.opts.Now().Sub(start) }()
	if err := resources.Guard(func() error { f(rctx); return nil }); err != nil {
		w.fail(i, err)
	}
}

func (w *walk) fail(i int, err error) {
	w.out[i].Status = Failed
	w.out[i].Err = err.Error()
}

// failedDep returns the address of a dependency that failed or was
// skipped, or "".
func (w *walk) failedDep(i int) string {
	for _, d := range w.g.Deps(i) {
		if s := w.out[d].Status; s == Failed || s == Skipped {
			return w.out[d].Addr
		}
	}
	return ""
}

// observe runs Read and Plan for node i.
func (w *walk) observe(ctx context.Context, i int) bool {
	r := w.nodes[i].Resource
	st, err := r.Read(ctx)
	if err != nil {
		w.fail(i, fmt.Errorf("read: %w", err))
		return false
	}
	if !w.apply {
		w.out[i].Observed = st
	}
	ch, err := r.Plan(ctx, st)
	if err != nil {
		w.fail(i, fmt.Errorf("plan: %w", err))
		return false
	}
	w.out[i].Change = ch
	return true
}

func changes(a resources.Action) bool {
	return a == resources.Create || a == resources.Update || a == resources.Delete
}

func (w *walk) notifyTargets(i int) []string {
	var out []string
	for _, t := range w.nodes[i].Notify {
		out = append(out, w.nodes[t].Addr)
	}
	return out
}

// Redact replaces the run's secrets in everything the result will print
// or store: errors, outputs, events and changes.
func (r *Result) Redact(red *resources.Redactor) {
	for i := range r.Outcomes {
		r.Outcomes[i].Redact(red)
	}
}

// Redact replaces secrets in everything the outcome will print or store.
func (o *Outcome) Redact(red *resources.Redactor) {
	o.Err = red.String(o.Err)
	o.Output = red.String(o.Output)
	o.SkippedBy = red.String(o.SkippedBy)
	red.Strings(o.Events)
	red.Change(&o.Change)
}
