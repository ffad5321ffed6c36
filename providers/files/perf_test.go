package files

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
)

// manyFiles converges n small files with owner, group, mode and content
// managed, and returns their resources.
func manyFiles(f *fixture, n int) []resources.Resource {
	f.write("/etc/passwd", "root:x:0:0::/:/bin/sh\n", 0644)
	f.write("/etc/group", "root:x:0:\n", 0644)
	f.mkdir("/srv/many", 0755)
	owner, group := "", ""
	if isRoot() {
		owner, group = "root", "root"
	}
	var rs []resources.Resource
	for i := range n {
		a := attrs{"path": str(fmt.Sprintf("/srv/many/f%04d.conf", i)), "content": str(fmt.Sprintf("line %d\n", i)), "mode": str("0644")}
		if owner != "" {
			a["owner"], a["group"] = str(owner), str(group)
		}
		r := f.resource(a)
		f.converge(r)
		rs = append(rs, r)
	}
	return rs
}

func noOpPlan(tb testing.TB, rs []resources.Resource) {
	ctx := context.Background()
	for _, r := range rs {
		st, err := r.Read(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		c, err := r.Plan(ctx, st)
		if err != nil || c.Action != resources.NoOp {
			tb.Fatalf("%s %q %v", c.Action, c.Reason, err)
		}
	}
}

func TestNoOpPlanOfThousandFilesIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	f := newFixture(t)
	rs := manyFiles(f, 1000)
	noOpPlan(t, rs) // warm the accounts cache as a run's first resource would
	start := time.Now()
	noOpPlan(t, rs)
	took := time.Since(start)
	t.Logf("no-op read+plan of %d files: %v", len(rs), took)
	// The target is well under 100ms; the bound leaves room for slow CI
	// machines and the race detector.
	if took > time.Second {
		t.Fatalf("no-op plan took %v", took)
	}
}

func TestConcurrentReadAndPlan(t *testing.T) {
	f := newFixture(t)
	rs := manyFiles(f, 64)
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Go(func() { noOpPlan(t, []resources.Resource{r}) })
	}
	wg.Wait()
}

func BenchmarkNoOpPlan1000(b *testing.B) {
	f := newFixture(b)
	rs := manyFiles(f, 1000)
	for b.Loop() {
		noOpPlan(b, rs)
	}
}
