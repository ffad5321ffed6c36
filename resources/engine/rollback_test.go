package engine

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
	"github.com/tendhq/tend/resources/health"
)

// reverting is a fake whose change can be undone: "good" is what the
// health check accepts.
type reverting struct {
	fake
	good     *atomic.Bool
	reverted int
}

func (r *reverting) Apply(ctx context.Context, c resources.Change) error {
	r.good.Store(false)
	return r.fake.Apply(ctx, c)
}

func (r *reverting) Revert(context.Context) error {
	r.reverted++
	r.good.Store(true)
	return nil
}

// A failed health check after a change reverts the notifier, refreshes
// the target again, fails both, and blocks the change until its
// configuration digest moves. Dependents of the notifier on other
// branches run in parallel with the rollback (run with -race).
func TestHealthFailureRollsBackAndBlocks(t *testing.T) {
	good := &atomic.Bool{}
	good.Store(true)
	conf := &reverting{fake: fake{differs: true}, good: good}
	svc := &fake{}
	others := make([]*fake, 8)
	g := graph.New(2 + len(others))
	nodes := []Node{
		{Addr: "file.conf", Resource: conf, Notify: []int{1}, Digest: "v2"},
		{Addr: "service.app", Resource: svc, Health: []health.Check{{Name: "app answers", Command: "exit 1"}}},
	}
	g.AddEdge(0, 1, "notify")
	for k := range others {
		others[k] = &fake{}
		nodes = append(nodes, Node{Addr: "fake.other" + string(rune('a'+k)), Resource: others[k]})
		g.AddEdge(0, 2+k, "ref")
	}
	blocks := &Blocks{}
	res := Apply(context.Background(), nodes, g, Options{Pending: &Pending{}, Blocks: blocks, Parallel: 4})
	if conf.reverted != 1 || !good.Load() || svc.refreshed != 2 {
		t.Fatalf("reverted %d, good %v, refreshed %d", conf.reverted, good.Load(), svc.refreshed)
	}
	if o := res.Outcomes[1]; o.Status != Failed || !strings.Contains(o.Err, "health check app answers failed: exit status 1; rolled back file.conf") {
		t.Fatalf("target: %+v", o)
	}
	if o := res.Outcomes[0]; o.Status != Failed || !strings.HasPrefix(o.Err, "rolled back after service.app") {
		t.Fatalf("notifier: %+v", o)
	}
	if l := blocks.List(); len(l) != 1 || l[0].Members[0] != "file.conf" {
		t.Fatalf("blocks: %+v", l)
	}

	conf.differs = true
	res = Apply(context.Background(), nodes, g, Options{Pending: &Pending{}, Blocks: blocks})
	if conf.applied != 1 || !strings.HasPrefix(res.Outcomes[0].Err, "blocked: rolled back at") {
		t.Fatalf("the blocked change was applied again (%d): %+v", conf.applied, res.Outcomes[0])
	}
	nodes[0].Digest = "v3"
	nodes[1].Health = nil
	res = Apply(context.Background(), nodes, g, Options{Pending: &Pending{}, Blocks: blocks})
	if conf.applied != 2 || res.Outcomes[0].Status != Changed || len(blocks.List()) != 0 {
		t.Fatalf("a new configuration stayed blocked: %+v %+v", res.Outcomes[0], blocks.List())
	}
}
