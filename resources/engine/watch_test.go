package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
	"github.com/tendhq/tend/resources/health"
)

// journal is a Watcher that writes down what it hears, in order.
type journal struct {
	mu    sync.Mutex
	lines []string
	// open counts the resources started and not yet finished.
	open map[string]bool
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lines = append(j.lines, fmt.Sprintf(format, args...))
}

func (j *journal) Started(addr string, _ time.Time) {
	j.add("started %s", addr)
	j.mu.Lock()
	j.open[addr] = true
	j.mu.Unlock()
}

func (j *journal) Told(addr string, n resources.News) { j.add("%s says %q", addr, n.Text) }

func (j *journal) Finished(o Outcome) {
	j.add("finished %s %s %s", o.Addr, o.Status, o.Err)
	j.mu.Lock()
	delete(j.open, o.Addr)
	j.mu.Unlock()
}

func (j *journal) String() string { return strings.Join(j.lines, "\n") }

// talking is a fake that tells its watcher what it is doing.
type talking struct{ fake }

func (t *talking) Apply(ctx context.Context, c resources.Change) error {
	resources.Tell(ctx, resources.News{Kind: resources.Message, Text: "working"})
	return t.fake.Apply(ctx, c)
}

// Each resource is finished once, when its outcome is known, after the
// resources it depends on; what it says while working reaches the
// watcher under its address.
func TestWatcherHearsEachOutcomeWhenKnown(t *testing.T) {
	a, b, c, d := &fake{differs: true, failApply: true}, &fake{differs: true}, &fake{}, &fake{differs: true}
	nodes, g := chain(a, b, c, d)
	nodes[3].Resource = &talking{fake: fake{differs: true}}
	j := &journal{open: map[string]bool{}}
	res := Apply(context.Background(), nodes, g, Options{Watch: j, Parallel: 1})
	got := j.String()
	for _, o := range res.Outcomes {
		want := fmt.Sprintf("finished %s %s %s", o.Addr, o.Status, o.Err)
		if strings.Count(got, want) != 1 {
			t.Errorf("want %q once in:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "fake.d says \"working\"") {
		t.Errorf("what fake.d said did not reach the watcher:\n%s", got)
	}
	if strings.Index(got, "finished fake.a") > strings.Index(got, "started fake.b") {
		t.Errorf("fake.a was not finished before its dependent started:\n%s", got)
	}
	if len(j.open) != 0 {
		t.Errorf("started and never finished: %v", j.open)
	}
	Plan(context.Background(), nodes, g, Options{Watch: j})
	if j.String() != got {
		t.Errorf("a plan told the watcher something:\n%s", strings.TrimPrefix(j.String(), got))
	}
}

// A notifier rolled back after the walk is finished again, failed, so a
// watcher printing outcomes as they come does not leave it "changed".
func TestWatcherHearsRollback(t *testing.T) {
	good := &atomic.Bool{}
	good.Store(true)
	conf := &reverting{fake: fake{differs: true}, good: good}
	g := graph.New(2)
	g.AddEdge(0, 1, "notify")
	nodes := []Node{
		{Addr: "file.conf", Resource: conf, Notify: []int{1}},
		{Addr: "service.app", Resource: &fake{}, Health: []health.Check{{Name: "app answers", Command: "exit 1"}}},
	}
	j := &journal{open: map[string]bool{}}
	Apply(context.Background(), nodes, g, Options{Pending: &Pending{}, Blocks: &Blocks{}, Watch: j})
	got := j.String()
	first, last := strings.Index(got, "finished file.conf changed"), strings.LastIndex(got, "finished file.conf failed rolled back")
	if first < 0 || last < first {
		t.Errorf("file.conf not finished as changed, then as rolled back:\n%s", got)
	}
}
