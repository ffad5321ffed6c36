package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// fleet returns a generated fleet repository of n nodes.
func fleet(tb testing.TB, n int) string {
	tb.Helper()
	example, err := findExample()
	if err != nil {
		tb.Fatal(err)
	}
	repo := tb.TempDir()
	if err := writeFleet(repo, example, n); err != nil {
		tb.Fatal(err)
	}
	return repo
}

func BenchmarkValidate100(b *testing.B) {
	args := []string{"validate", "--repo", fleet(b, 100)}
	b.ReportAllocs()
	for b.Loop() {
		tend(b, args, 0)
	}
}

func BenchmarkValidate1000(b *testing.B) {
	args := []string{"validate", "--repo", fleet(b, 1000)}
	b.ReportAllocs()
	for b.Loop() {
		tend(b, args, 0)
	}
}

// TestGeneratedFleet checks that a generated fleet validates, that every
// node has a data layer of its own, and that it names no host of the
// example (whose names are real ones).
func TestGeneratedFleet(t *testing.T) {
	repo := fleet(t, 5)
	var out strings.Builder
	if code := cli.Main([]string{"validate", "--repo", repo}, &out, &out); code != 0 {
		t.Fatalf("tend validate: exit code %d\n%s", code, out.String())
	}
	if want := "Configuration valid: 5 node(s), 308 resource(s).\n"; out.String() != want {
		t.Errorf("tend validate said %q, want %q", out.String(), want)
	}
	seen := map[string]bool{}
	for i := 0; i < 5; i++ {
		name, _ := fleetNode(i)
		b, err := os.ReadFile(filepath.Join(repo, "data", "nodes", name+".hcl"))
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(b)] {
			t.Errorf("node %s has the data layer of another node", name)
		}
		seen[string(b)] = true
	}
	err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if strings.Contains(string(b), "cacert") || strings.Contains(string(b), "172.16.") || strings.Contains(string(b), "10.0.0.") {
			t.Errorf("%s names a host or network of the example", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestValidateSection checks that the validate group rewrites its own
// section only.
func TestValidateSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	head := "# Benchmarks\n\n<!-- notes -->\nnotes\n"
	tailText := "<!-- system -->\nsystem\n<!-- /system -->\n"
	if err := os.WriteFile(path, []byte(head+"\n"+validateStart+"\nold\n"+validateEnd+"\n"+tailText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeValidateSection(path, validateStart+"\nnew\n"+validateEnd+"\n"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := head + "\n" + validateStart + "\nnew\n" + validateEnd + "\n" + tailText; string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}
