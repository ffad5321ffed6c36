package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
)

// fake is a resource whose behaviour a test scripts: whether it differs,
// and what fails.
type fake struct {
	mu                    sync.Mutex
	differs               bool
	failApply, panicApply bool
	failRefresh           bool
	applied, refreshed    int
}

func (f *fake) Read(context.Context) (resources.State, error) {
	return resources.State{"differs": map[bool]string{true: "yes", false: "no"}[f.differs]}, nil
}

func (f *fake) Plan(_ context.Context, st resources.State) (resources.Change, error) {
	if st["differs"] == "yes" {
		return resources.Change{Action: resources.Update, Reason: "differs"}, nil
	}
	return resources.Change{}, nil
}

func (f *fake) Apply(context.Context, resources.Change) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.panicApply {
		panic("provider bug")
	}
	if f.failApply {
		return errors.New("disk full")
	}
	f.applied++
	f.differs = false
	return nil
}

func (f *fake) Verify(context.Context) error { return nil }

func (f *fake) Refresh(context.Context) error {
	if f.failRefresh {
		return errors.New("reload failed")
	}
	f.refreshed++
	return nil
}

// chain builds nodes a -> b -> c plus an independent d.
func chain(a, b, c, d *fake) ([]Node, *graph.Graph) {
	g := graph.New(4)
	g.AddEdge(0, 1, "ref")
	g.AddEdge(1, 2, "ref")
	return []Node{{Addr: "fake.a", Resource: a}, {Addr: "fake.b", Resource: b}, {Addr: "fake.c", Resource: c}, {Addr: "fake.d", Resource: d}}, g
}

func TestFailureSkipsDependentsOnly(t *testing.T) {
	a, b, c, d := &fake{differs: true, failApply: true}, &fake{differs: true}, &fake{}, &fake{differs: true}
	nodes, g := chain(a, b, c, d)
	res := Apply(context.Background(), nodes, g, Options{})
	want := []Status{Failed, Skipped, Skipped, Changed}
	for i, o := range res.Outcomes {
		if o.Status != want[i] {
			t.Errorf("%s: status %s, want %s", o.Addr, o.Status, want[i])
		}
	}
	if b.applied != 0 || d.applied != 1 {
		t.Errorf("b applied %d times (want 0), d %d times (want 1)", b.applied, d.applied)
	}
	if res.Outcomes[2].SkippedBy != "depends on fake.b, which did not converge" {
		t.Errorf("skip reason %q", res.Outcomes[2].SkippedBy)
	}
}

func TestPanicFailsOnlyThatResource(t *testing.T) {
	a, b, c, d := &fake{differs: true, panicApply: true}, &fake{}, &fake{}, &fake{differs: true}
	nodes, g := chain(a, b, c, d)
	res := Apply(context.Background(), nodes, g, Options{})
	if res.Outcomes[0].Status != Failed || !strings.Contains(res.Outcomes[0].Err, "panic: provider bug") {
		t.Fatalf("panicking resource: %+v", res.Outcomes[0])
	}
	if res.Outcomes[3].Status != Changed {
		t.Fatalf("independent resource: %+v", res.Outcomes[3])
	}
}

func TestPlanChangesNothing(t *testing.T) {
	a, b, c, d := &fake{differs: true}, &fake{}, &fake{}, &fake{}
	nodes, g := chain(a, b, c, d)
	nodes[0].Notify = []int{2}
	res := Plan(context.Background(), nodes, g, Options{})
	if a.applied != 0 || c.refreshed != 0 {
		t.Fatal("plan applied or refreshed something")
	}
	if got := res.Outcomes[2]; got.Change.Action != resources.Refresh || got.RefreshFrom[0] != "fake.a" {
		t.Fatalf("notified resource planned as %+v", got)
	}
}

func TestRefreshEventSurvivesFailureAndIsDeliveredOnce(t *testing.T) {
	dir := t.TempDir()
	a, b, c, d := &fake{differs: true}, &fake{}, &fake{failRefresh: true}, &fake{}
	nodes, g := chain(a, b, c, d)
	nodes[0].Notify = []int{2}
	p, err := OpenPending(dir)
	if err != nil {
		t.Fatal(err)
	}
	res := Apply(context.Background(), nodes, g, Options{Pending: p})
	if res.Outcomes[2].Status != Failed {
		t.Fatalf("failing refresh: %+v", res.Outcomes[2])
	}
	// a new process: the event comes back from disk
	p2, err := OpenPending(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := p2.For("fake.c"); len(got) != 1 || got[0] != "fake.a" {
		t.Fatalf("pending after failure = %v", got)
	}
	c.failRefresh = false
	Apply(context.Background(), nodes, g, Options{Pending: p2})
	Apply(context.Background(), nodes, g, Options{Pending: p2})
	if c.refreshed != 1 {
		t.Fatalf("refreshed %d times, want exactly 1", c.refreshed)
	}
	b2, _ := os.ReadFile(filepath.Join(dir, PendingFile))
	if strings.Contains(string(b2), "fake.c") {
		t.Fatalf("delivered event still pending: %s", b2)
	}
}

func TestEventsForRemovedTargetsAreDropped(t *testing.T) {
	p, _ := OpenPending(t.TempDir())
	if err := p.Add("fake.a", []string{"fake.gone"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	a, b, c, d := &fake{}, &fake{}, &fake{}, &fake{}
	nodes, g := chain(a, b, c, d)
	res := Apply(context.Background(), nodes, g, Options{Pending: p})
	if len(res.Dropped) != 1 || res.Dropped[0] != "fake.gone" || len(p.Targets()) != 0 {
		t.Fatalf("dropped = %v, still pending = %v", res.Dropped, p.Targets())
	}
}

// A pending file that cannot be read (truncated, zeroed, garbage, a
// directory) is a DamagedPending naming it; recovering moves it aside
// and refreshes every possible target once, durably.
func TestDamagedPendingFileIsRecovered(t *testing.T) {
	for name, damage := range map[string]func(path string) error{
		"truncated": func(p string) error { return os.WriteFile(p, []byte(`[{"target": "fake.c", "fr`), 0o600) },
		"zeroed":    func(p string) error { return os.WriteFile(p, make([]byte, 512), 0o600) },
		"garbage":   func(p string) error { return os.WriteFile(p, []byte("\x7fELF\x02garbage"), 0o600) },
		"wrong":     func(p string) error { return os.WriteFile(p, []byte(`[{"from": "x"}]`), 0o600) },
		"directory": func(p string) error { return os.MkdirAll(p+"/sub", 0o700) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, PendingFile)
			if err := damage(path); err != nil {
				t.Fatal(err)
			}
			_, err := OpenPending(dir)
			var dam *DamagedPending
			if !errors.As(err, &dam) || !strings.Contains(err.Error(), path) {
				t.Fatalf("OpenPending = %v, want a DamagedPending naming %s", err, path)
			}
			a, b, c, d := &fake{}, &fake{}, &fake{}, &fake{}
			nodes, g := chain(a, b, c, d)
			nodes[0].Notify = []int{2}
			planned := Plan(context.Background(), nodes, g, Options{Pending: AssumePending([]string{"fake.c"}, time.Time{})})
			if planned.Outcomes[2].Change.Action != resources.Refresh || c.refreshed != 0 {
				t.Fatalf("plan over a damaged file: %+v", planned.Outcomes[2])
			}
			p, aside, err := RecoverPending(dir, []string{"fake.c"}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(aside); err != nil || !strings.HasPrefix(aside, path+".damaged-") {
				t.Fatalf("moved aside to %q: %v", aside, err)
			}
			if p2, err := OpenPending(dir); err != nil || len(p2.For("fake.c")) != 1 {
				t.Fatalf("the stand-in events are not on disk: %v", err)
			}
			Apply(context.Background(), nodes, g, Options{Pending: p})
			Apply(context.Background(), nodes, g, Options{Pending: p})
			if c.refreshed != 1 || a.refreshed+b.refreshed+d.refreshed != 0 {
				t.Fatalf("refreshed c %d times (want 1), others %d", c.refreshed, a.refreshed+b.refreshed+d.refreshed)
			}
		})
	}
}
