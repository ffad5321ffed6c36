package graph

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
)

// Graph is a directed graph over nodes 0..Len()-1.
type Graph struct {
	deps  [][]int // deps[b] lists every a with an edge a -> b
	users [][]int // users[a] lists every b with an edge a -> b
	why   map[[2]int]string
}

// New returns a graph of n nodes and no edges.
func New(n int) *Graph {
	return &Graph{deps: make([][]int, n), users: make([][]int, n), why: map[[2]int]string{}}
}

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.deps) }

// AddEdge records that node b needs node a first; why names the reason
// (a reference, depends_on, notify, an implicit need). Repeated edges are
// kept once; self edges are ignored.
func (g *Graph) AddEdge(a, b int, why string) {
	if a == b {
		return
	}
	k := [2]int{a, b}
	if _, dup := g.why[k]; dup {
		return
	}
	g.why[k] = why
	g.deps[b] = append(g.deps[b], a)
	g.users[a] = append(g.users[a], b)
}

// Ancestors lists every node b depends on, directly or through others,
// nearest first (breadth first), each once.
func (g *Graph) Ancestors(b int) []int {
	seen := map[int]bool{b: true}
	var out []int
	for next := 0; ; next++ {
		n := b
		if next > 0 {
			if next > len(out) {
				return out
			}
			n = out[next-1]
		}
		for _, d := range g.deps[n] {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
}

// Deps lists the nodes b needs first.
func (g *Graph) Deps(b int) []int { return g.deps[b] }

// Why tells why the edge a -> b exists, or "" when there is none.
func (g *Graph) Why(a, b int) string { return g.why[[2]int{a, b}] }

// Cycle returns the nodes of one dependency cycle in edge order, the first
// node repeated at the end, or nil when the graph is acyclic.
func (g *Graph) Cycle() []int {
	const (
		unseen = iota
		active
		done
	)
	state := make([]int, g.Len())
	var stack []int
	var found []int
	var visit func(n int) bool
	visit = func(n int) bool {
		state[n] = active
		stack = append(stack, n)
		for _, m := range g.users[n] {
			if state[m] == active {
				found = cycleFrom(stack, m)
				return true
			}
			if state[m] == unseen && visit(m) {
				return true
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		return false
	}
	for n := range state {
		if state[n] == unseen && visit(n) {
			return found
		}
	}
	return nil
}

func cycleFrom(stack []int, start int) []int {
	for i, n := range stack {
		if n == start {
			c := append([]int(nil), stack[i:]...)
			return append(c, start)
		}
	}
	return nil
}

// Walk calls visit for every node, never before every dependency of the
// node is complete, with at most parallel calls at once. The graph must be
// acyclic.
//
// A node is complete when visit returns true. When visit returns false
// the node is deferred: its dependents wait until flush, called whenever
// nothing runs and nothing else is ready, returns it among the nodes it
// completed. This lets the caller apply work together (all package
// installs in one transaction) as late as dependencies allow. flush runs
// on Walk's goroutine, never at the same time as visit.
//
// Walk stops starting nodes when ctx is done and returns ctx's error; it
// also stops when deferred nodes remain and flush completes none of them.
func (g *Graph) Walk(ctx context.Context, parallel int, visit func(n int) bool, flush func() []int) error {
	parallel = max(parallel, 1)
	w := &walker{g: g, waiting: make([]int, g.Len()), remaining: g.Len()}
	for i := range w.waiting {
		if w.waiting[i] = len(g.deps[i]); w.waiting[i] == 0 {
			w.ready = append(w.ready, i)
		}
	}
	type result struct {
		n        int
		done     bool
		panicked *visitPanic
	}
	results := make(chan result)
	running, deferred := 0, 0
	for w.remaining > 0 {
		for running < parallel && len(w.ready) > 0 && ctx.Err() == nil {
			n := w.ready[0]
			w.ready = w.ready[1:]
			running++
			go func() {
				defer func() {
					if p := recover(); p != nil {
						results <- result{n: n, panicked: &visitPanic{Value: p, Stack: debug.Stack()}}
					}
				}()
				results <- result{n: n, done: visit(n)}
			}()
		}
		if running == 0 {
			if ctx.Err() != nil || deferred == 0 || flush == nil {
				break
			}
			done := flush()
			if len(done) == 0 {
				break
			}
			for _, n := range done {
				deferred--
				w.complete(n)
			}
			continue
		}
		r := <-results
		if r.panicked != nil {
			panic(r.panicked) // on the caller's goroutine, where it can be recovered
		}
		running--
		if r.done {
			w.complete(r.n)
		} else {
			deferred++
		}
	}
	return ctx.Err()
}

// walker is the bookkeeping of one Walk.
type walker struct {
	g         *Graph
	waiting   []int
	ready     []int
	remaining int
}

func (w *walker) complete(n int) {
	w.remaining--
	for _, u := range w.g.users[n] {
		if w.waiting[u]--; w.waiting[u] == 0 {
			w.ready = append(w.ready, u)
		}
	}
}

// DOT renders the graph in Graphviz syntax with the given node labels.
func (g *Graph) DOT(labels []string) string {
	var b strings.Builder
	b.WriteString("digraph tend {\n  rankdir = \"LR\";\n")
	for i, l := range labels {
		fmt.Fprintf(&b, "  n%d [label=%q];\n", i, l)
	}
	type edge struct {
		a, b int
		why  string
	}
	var edges []edge
	for k, why := range g.why {
		edges = append(edges, edge{k[0], k[1], why})
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].a != edges[j].a {
			return edges[i].a < edges[j].a
		}
		return edges[i].b < edges[j].b
	})
	for _, e := range edges {
		fmt.Fprintf(&b, "  n%d -> n%d [label=%q];\n", e.a, e.b, e.why)
	}
	b.WriteString("}\n")
	return b.String()
}

// visitPanic is what Walk panics with when visit panicked: the value and
// the stack of the goroutine it panicked on.
type visitPanic struct {
	Value any
	Stack []byte
}

func (p *visitPanic) Error() string {
	return fmt.Sprintf("%v\n\n%s", p.Value, p.Stack)
}
