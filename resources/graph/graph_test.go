package graph

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestCycleIsReportedAsAClosedPath(t *testing.T) {
	g := New(4)
	g.AddEdge(0, 1, "ref")
	g.AddEdge(1, 2, "ref")
	g.AddEdge(2, 3, "ref")
	if c := g.Cycle(); c != nil {
		t.Fatalf("acyclic graph reported cycle %v", c)
	}
	g.AddEdge(3, 1, "depends_on")
	want := []int{1, 2, 3, 1}
	if c := g.Cycle(); !reflect.DeepEqual(c, want) {
		t.Fatalf("cycle = %v, want %v", c, want)
	}
}

func TestWalkRespectsOrderAndBound(t *testing.T) {
	const n = 200
	g := New(n)
	for i := 1; i < n; i++ {
		g.AddEdge(i/2, i, "tree") // a binary tree: parents before children
	}
	var mu sync.Mutex
	done := make([]bool, n)
	var running, peak atomic.Int32
	err := g.Walk(context.Background(), 3, func(i int) bool {
		r := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if r <= p || peak.CompareAndSwap(p, r) {
				break
			}
		}
		mu.Lock()
		defer mu.Unlock()
		for _, d := range g.Deps(i) {
			if !done[d] {
				t.Errorf("node %d visited before its dependency %d", i, d)
			}
		}
		done[i] = true
		return true
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range done {
		if !d {
			t.Fatalf("node %d never visited", i)
		}
	}
	if peak.Load() > 3 {
		t.Fatalf("peak concurrency %d exceeds bound 3", peak.Load())
	}
}

func TestWalkStopsWhenCancelled(t *testing.T) {
	g := New(3)
	g.AddEdge(0, 1, "x")
	g.AddEdge(1, 2, "x")
	ctx, cancel := context.WithCancel(context.Background())
	var visited []int
	err := g.Walk(ctx, 1, func(i int) bool {
		visited = append(visited, i)
		cancel()
		return true
	}, nil)
	if err == nil || !reflect.DeepEqual(visited, []int{0}) {
		t.Fatalf("err=%v visited=%v, want cancellation after node 0", err, visited)
	}
}

func TestEmptyGraphWalks(t *testing.T) {
	if err := New(0).Walk(context.Background(), 4, func(int) bool { t.Fatal("visited"); return true }, nil); err != nil {
		t.Fatal(err)
	}
}

// TestDeferredNodesAreFlushedTogether: two independent "installs" deferred
// by visit complete in one flush, after everything else that was ready,
// and only then do their dependents run.
func TestDeferredNodesAreFlushedTogether(t *testing.T) {
	// 0 and 1 are installs; 2 needs 0; 3 is independent; 4 needs 2.
	g := New(5)
	g.AddEdge(0, 2, "x")
	g.AddEdge(2, 4, "x")
	var order []string
	var mu sync.Mutex
	log := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	var parked []int
	err := g.Walk(context.Background(), 2, func(i int) bool {
		if i == 0 || i == 1 {
			mu.Lock()
			parked = append(parked, i)
			mu.Unlock()
			return false
		}
		log(fmt.Sprint(i))
		return true
	}, func() []int {
		log(fmt.Sprintf("flush%d", len(parked)))
		done := parked
		parked = nil
		return done
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"3", "flush2", "2", "4"}
	if !reflect.DeepEqual(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestFlushThatCompletesNothingStopsTheWalk(t *testing.T) {
	g := New(2)
	g.AddEdge(0, 1, "x")
	visited := 0
	_ = g.Walk(context.Background(), 1, func(int) bool { visited++; return false }, func() []int { return nil })
	if visited != 1 {
		t.Fatalf("visited %d nodes, want 1", visited)
	}
}

func TestWalkPanicsOnTheCallersGoroutine(t *testing.T) {
	g := New(3)
	defer func() {
		p := recover()
		if p == nil || !strings.Contains(fmt.Sprint(p), "boom at 1") || !strings.Contains(fmt.Sprint(p), "graph_test.go") {
			t.Fatalf("recovered %v", p)
		}
	}()
	_ = g.Walk(context.Background(), 2, func(i int) bool {
		if i == 1 {
			panic(fmt.Sprintf("boom at %d", i))
		}
		return true
	}, nil)
	t.Fatal("Walk returned")
}

func TestAncestorsNearestFirst(t *testing.T) {
	g := New(5)
	g.AddEdge(1, 0, "")
	g.AddEdge(2, 1, "")
	g.AddEdge(3, 0, "")
	g.AddEdge(2, 3, "")
	g.AddEdge(4, 2, "")
	if got := g.Ancestors(0); !slices.Equal(got, []int{1, 3, 2, 4}) {
		t.Fatalf("ancestors %v", got)
	}
	if got := g.Ancestors(4); got != nil {
		t.Fatalf("a root has ancestors %v", got)
	}
}
