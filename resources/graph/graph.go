package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
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

// Walk calls visit for every node, never before visit has returned for all
// of the node's dependencies, with at most parallel calls at once. The
// graph must be acyclic. Walk stops starting new nodes when ctx is done and
// returns ctx's error then.
func (g *Graph) Walk(ctx context.Context, parallel int, visit func(n int)) error {
	if parallel < 1 {
		parallel = 1
	}
	n := g.Len()
	waiting := make([]int, n)
	ready := make(chan int, n)
	for i := range waiting {
		waiting[i] = len(g.deps[i])
		if waiting[i] == 0 {
			ready <- i
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	remaining := n
	finished := make(chan struct{})
	if n == 0 {
		close(finished)
	}
	worker := func() {
		defer wg.Done()
		for {
			select {
			case <-finished:
				return
			case i := <-ready:
				if ctx.Err() == nil {
					visit(i)
				}
				mu.Lock()
				for _, u := range g.users[i] {
					waiting[u]--
					if waiting[u] == 0 {
						ready <- u
					}
				}
				remaining--
				if remaining == 0 {
					close(finished)
				}
				mu.Unlock()
			}
		}
	}
	wg.Add(parallel)
	for range parallel {
		go worker()
	}
	wg.Wait()
	return ctx.Err()
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
