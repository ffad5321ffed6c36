package mutants_test

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/testfixtures/mutants"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

var (
	count     = flag.Int("mutants", 2000, "how many mutants TestMutants runs (100 with -short unless given)")
	seed      = flag.Uint64("mutants.seed", 1, "the mutants' seed")
	timeout   = flag.Duration("mutants.timeout", 2*time.Minute, "the bound on one mutant's validate and plan")
	planEvery = flag.Int("mutants.plan-every", 1, "plan every Nth mutant that validates")
	samples   = flag.Int("mutants.sample", 40, "how many mutants also run through the real tend binary ($TEND_BINARY, else built)")
)

// TestMain makes the test binary a mutants worker when the supervisor
// starts it as one.
func TestMain(m *testing.M) {
	if os.Getenv(mutants.WorkerEnv) != "" {
		os.Exit(mutants.ServeEnv(cli.Main))
	}
	os.Exit(m.Run())
}

// TestMutants runs tend validate, and tend plan against a scratch root,
// on mutants of the example repository: every run must exit with a
// documented code, print no Go panic and finish within the bound.
func TestMutants(t *testing.T) {
	n := *count
	if testing.Short() && !flagGiven("mutants") {
		n = 100
	}
	cfg := config(t)
	sup := &mutants.Supervisor{Config: cfg, Workers: runtime.GOMAXPROCS(0), Timeout: *timeout,
		Command: func() *exec.Cmd { return exec.Command(os.Args[0]) }}
	start := time.Now()
	outs, err := sup.Run(n)
	if err != nil {
		t.Fatal(err)
	}
	report(t, "in process", outs, time.Since(start))
	if d := os.Getenv("DUMP"); d != "" {
		b, _ := json.Marshal(outs)
		os.WriteFile(d, b, 0o644)
	}
	if *samples == 0 {
		return
	}

	var ns []int
	for i := 0; i < n && *samples > 0; i += max(1, n / *samples) {
		ns = append(ns, i)
	}
	start = time.Now()
	outs, err = mutants.Sample(cfg, tendBinary(t), ns, *timeout)
	if err != nil {
		t.Fatal(err)
	}
	report(t, "tend binary", outs, time.Since(start))
}

func config(t *testing.T) mutants.Config {
	dir := t.TempDir()
	base, err := filepath.Abs("../example")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root")
	if err := scratchroot.PrepareFor(root, base, "emailout"); err != nil {
		t.Fatal(err)
	}
	return mutants.Config{Seed: *seed, Base: base, Library: true, Root: root, Node: "emailout",
		PlanEvery: *planEvery, Dir: filepath.Join(dir, "work")}
}

// report logs the figures and fails the test for each failure.
func report(t *testing.T, what string, outs []mutants.Outcome, took time.Duration) {
	t.Helper()
	f := mutants.Summarize(outs, took)
	var b strings.Builder
	f.Write(&b, what)
	t.Log("seed ", *seed, ", ", b.String())
	for i, o := range f.Failures {
		if i == 20 {
			t.Errorf("... and %d more failures", len(f.Failures)-i)
			break
		}
		t.Errorf("%s (reproduce: go run ./testfixtures/mutants/cmd/mutant -seed %d -n %d DIR)", o.Problem, *seed, o.N)
	}
}

// tendBinary is $TEND_BINARY, else tend built for the test.
func tendBinary(t *testing.T) string {
	if p := os.Getenv("TEND_BINARY"); p != "" {
		return p
	}
	out := filepath.Join(t.TempDir(), "tend")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(gobin, "build", "-o", out, "github.com/tendhq/tend/agent/cmd/tend")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building tend: %v\n%s", err, b)
	}
	return out
}

func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
