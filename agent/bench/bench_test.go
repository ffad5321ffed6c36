package main

import (
	"io"
	"testing"

	"github.com/tendhq/tend/agent/cli"
)

// The Go benchmarks run tend's plan and apply in process, through the same
// entry point as the binary, on the generated repository: handy for
// profiles, e.g.
//
//	go test -run - -bench NoopPlan1000 -cpuprofile cpu.out ./agent/bench
//
// They leave out process start and measure a warm process: the binary's
// numbers come from `go run ./agent/bench`.

// converged returns a workspace of n files that a first apply has
// converged.
func converged(tb testing.TB, n int) *workspace {
	tb.Helper()
	w, err := newWorkspace(tb.TempDir(), n)
	if err != nil {
		tb.Fatal(err)
	}
	tend(tb, w.args("apply", 0), 2)
	if err := checkTree(w.root, n); err != nil {
		tb.Fatal(err)
	}
	return w
}

func tend(tb testing.TB, args []string, want int) {
	tb.Helper()
	if code := cli.Main(args, io.Discard, io.Discard); code != want {
		tb.Fatalf("tend %v: exit code %d, want %d", args, code, want)
	}
}

func BenchmarkNoopPlan1000(b *testing.B) {
	w := converged(b, 1000)
	args := w.args("plan", 0)
	b.ReportAllocs()
	for b.Loop() {
		tend(b, args, 0)
	}
}

func BenchmarkNoopApply1000(b *testing.B) {
	w := converged(b, 1000)
	args := w.args("apply", 0)
	b.ReportAllocs()
	for b.Loop() {
		tend(b, args, 0)
	}
}

func BenchmarkFloor1000(b *testing.B) {
	w := converged(b, 1000)
	dirs, files := managedPaths(w.root, w.n)
	for b.Loop() {
		if _, err := floorPass(dirs, files); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGeneratedRepo checks that the generated repository converges and
// then has nothing left to do.
func TestGeneratedRepo(t *testing.T) {
	for _, n := range []int{0, 1, 150} {
		w := converged(t, n)
		tend(t, w.args("plan", 0), 0)
		tend(t, w.args("apply", 0), 0)
		if got := len(w.args("plan", 4)); got != 11 {
			t.Errorf("args with --parallel: %d, want 11", got)
		}
	}
}
