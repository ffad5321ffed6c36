package mutants_test

import (
	"flag"
	"fmt"
	"io"
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
	count     = flag.Int("mutants", 2000, "how many mutants TestMutants runs (50 with -short unless given)")
	seed      = flag.Uint64("mutants.seed", 1, "the mutants' seed")
	timeout   = flag.Duration("mutants.timeout", 2*time.Minute, "the bound on one mutant's validate and plan")
	planEvery = flag.Int("mutants.plan-every", 1, "plan every Nth mutant that validates")
	samples   = flag.Int("mutants.sample", 20, "how many mutants also run through the real tend binary ($TEND_BINARY, else built; none with -short unless given)")
)

// TestMain makes the test binary a mutants worker when the supervisor
// starts it as one.
func TestMain(m *testing.M) {
	if os.Getenv(mutants.WorkerEnv) != "" {
		main := cli.Main
		if os.Getenv(faultEnv) != "" {
			main = faulty
		}
		os.Exit(mutants.ServeEnv(main))
	}
	os.Exit(m.Run())
}

// faultEnv makes workers run faulty instead of tend.
const faultEnv = "TEND_MUTANTS_FAULTY"

// faulty is tend's CLI with faults injected by mutant number: mutant 1
// panics in validate, 2 crashes the process from another goroutine, 3
// exits 3, 4 hangs, 5 prints a goroutine dump; the others run tend.
func faulty(args []string, stdout, stderr io.Writer) int {
	n := -1
	for i, a := range args {
		if a == "--repo" && i+1 < len(args) {
			fmt.Sscanf(filepath.Base(args[i+1]), "mutant-%d", &n)
		}
	}
	switch n {
	case 1:
		panic("injected")
	case 2:
		done := make(chan bool)
		go func() { panic("injected in a goroutine") }()
		<-done
	case 3:
		return 3
	case 4:
		select {}
	case 5:
		fmt.Fprintln(stderr, "goroutine 1 [running]:")
		return 1
	}
	return cli.Main(args, stdout, stderr)
}

// The supervisor counts every injected fault as a failure of its
// mutant, restarts the workers that died or hung, and runs the rest.
func TestSupervisorCatchesFaults(t *testing.T) {
	cfg := config(t)
	sup := &mutants.Supervisor{Config: cfg, Workers: 2, Timeout: 8 * time.Second,
		Command: func() *exec.Cmd {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), faultEnv+"=1")
			return cmd
		}}
	outs, err := sup.Run(8)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{1: "panic: injected", 2: "tend crashed", 3: "exit code 3", 4: "no answer within", 5: `"goroutine " in the output`}
	for _, o := range outs {
		if w, faulty := want[o.N]; !strings.Contains(o.Problem, w) || (!faulty && o.Problem != "") {
			t.Errorf("mutant %d: problem %q, want %q", o.N, o.Problem, w)
		}
	}
}

// TestMutants runs tend validate, and tend plan against a scratch root,
// on mutants of the example repository: every run must exit with a
// documented code, print no Go panic and finish within the bound.
func TestMutants(t *testing.T) {
	n := *count
	sample := *samples
	if testing.Short() && !flagGiven("mutants") {
		n = 50
	}
	if testing.Short() && !flagGiven("mutants.sample") && os.Getenv("TEND_BINARY") == "" {
		sample = 0 // building tend would take longer than the mutants
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
	if sample == 0 {
		return
	}

	var ns []int
	for i := 0; i < n; i += max(1, n/sample) {
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
	cmd := exec.Command("go", "build", "-o", out, "github.com/tendhq/tend/agent/cmd/tend")
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
