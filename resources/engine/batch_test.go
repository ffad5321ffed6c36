package engine

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
)

// pkgSet stands in for a package manager: it records each transaction.
type pkgSet struct {
	mu           sync.Mutex
	transactions [][]string
	broken       string
}

// pkg is a batchable resource: installing it happens in pkgSet's
// transactions.
type pkg struct {
	fake
	name string
	set  *pkgSet
}

func (p *pkg) BatchKey() string { return "apt" }

func (p *pkg) ApplyBatch(_ context.Context, items []resources.BatchItem) []error {
	p.set.mu.Lock()
	defer p.set.mu.Unlock()
	var names []string
	errs := make([]error, len(items))
	for k, it := range items {
		q := it.Resource.(*pkg)
		names = append(names, q.name)
		if q.name == p.set.broken {
			errs[k] = errors.New("unmet dependencies")
			continue
		}
		q.differs = false
	}
	p.set.transactions = append(p.set.transactions, names)
	return errs
}

func TestBatchersApplyInOneCallAndFailAlone(t *testing.T) {
	set := &pkgSet{broken: "opendkim"}
	postfix := &pkg{fake: fake{differs: true}, name: "postfix", set: set}
	opendkim := &pkg{fake: fake{differs: true}, name: "opendkim", set: set}
	conf := &fake{differs: true}   // needs postfix
	milter := &fake{differs: true} // needs opendkim
	other := &fake{differs: true}
	g := graph.New(5)
	g.AddEdge(0, 2, "needs")
	g.AddEdge(1, 3, "needs")
	nodes := []Node{{Addr: "package.postfix", Resource: postfix}, {Addr: "package.opendkim", Resource: opendkim},
		{Addr: "file.main_cf", Resource: conf}, {Addr: "file.milter", Resource: milter}, {Addr: "file.other", Resource: other}}
	res := Apply(context.Background(), nodes, g, Options{Parallel: 2})
	if len(set.transactions) != 1 || len(set.transactions[0]) != 2 {
		t.Fatalf("transactions %v, want both packages in one", set.transactions)
	}
	want := []Status{Changed, Failed, Changed, Skipped, Changed}
	for i, o := range res.Outcomes {
		if o.Status != want[i] {
			t.Errorf("%s: %s (%s), want %s", o.Addr, o.Status, o.Err, want[i])
		}
	}
	if conf.applied != 1 {
		t.Fatal("the package's dependent was not applied after the batch")
	}
}

func TestPanickingBatchFailsItsMembersOnly(t *testing.T) {
	set := &pkgSet{}
	a := &panicPkg{pkg{fake: fake{differs: true}, name: "a", set: set}}
	b := &panicPkg{pkg{fake: fake{differs: true}, name: "b", set: set}}
	other := &fake{differs: true}
	nodes := []Node{{Addr: "package.a", Resource: a}, {Addr: "package.b", Resource: b}, {Addr: "file.x", Resource: other}}
	res := Apply(context.Background(), nodes, graph.New(3), Options{})
	if res.Outcomes[0].Status != Failed || res.Outcomes[1].Status != Failed || res.Outcomes[2].Status != Changed {
		t.Fatalf("outcomes %+v", res.Outcomes)
	}
}

type panicPkg struct{ pkg }

func (p *panicPkg) ApplyBatch(context.Context, []resources.BatchItem) []error { panic("apt exploded") }

// member is a file of an all-or-nothing group: its batches are recorded in
// txns; brokenRead makes its Read fail.
type member struct {
	fake
	name       string
	txns       *pkgSet
	brokenRead bool
}

func (m *member) BatchKey() string   { return "group" }
func (m *member) AllOrNothing() bool { return true }

func (m *member) Read(ctx context.Context) (resources.State, error) {
	if m.brokenRead {
		return nil, errors.New("unreadable")
	}
	return m.fake.Read(ctx)
}

func (m *member) ApplyBatch(_ context.Context, items []resources.BatchItem) []error {
	m.txns.mu.Lock()
	defer m.txns.mu.Unlock()
	var names []string
	for _, it := range items {
		names = append(names, it.Resource.(*member).name)
	}
	m.txns.transactions = append(m.txns.transactions, names)
	return make([]error, len(items))
}

// groupNodes builds package.p, then group members a (ready at once) and
// b (after the package), and file.x after b.
func groupNodes(set, txns *pkgSet) ([]Node, *graph.Graph, *member) {
	b := &member{fake: fake{differs: true}, name: "b", txns: txns}
	g := graph.New(4)
	g.AddEdge(0, 2, "needs")
	g.AddEdge(2, 3, "needs")
	return []Node{{Addr: "package.p", Resource: &pkg{fake: fake{differs: true}, name: "p", set: set}},
		{Addr: "file.a", Resource: &member{fake: fake{differs: true}, name: "a", txns: txns}},
		{Addr: "file.b", Resource: b}, {Addr: "file.x", Resource: &fake{differs: true}}}, g, b
}

// An all-or-nothing batch waits for its members that wait for other
// batches, and then goes whole in one call.
func TestAllOrNothingBatchWaitsForEveryMember(t *testing.T) {
	set, txns := &pkgSet{}, &pkgSet{}
	nodes, g, _ := groupNodes(set, txns)
	res := Apply(context.Background(), nodes, g, Options{Parallel: 2})
	if len(txns.transactions) != 1 || len(txns.transactions[0]) != 2 {
		t.Fatalf("group batches %v, want a and b in one", txns.transactions)
	}
	for _, o := range res.Outcomes {
		if o.Status != Changed {
			t.Errorf("%s: %s (%s)", o.Addr, o.Status, o.Err)
		}
	}
}

// When one member cannot be planned, or is skipped, none is applied: the
// others are held back naming it.
func TestAllOrNothingBatchIsHeldBackWhole(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(set *pkgSet, b *member)
		b      Status
	}{
		{"a member fails", func(_ *pkgSet, b *member) { b.brokenRead = true }, Failed},
		{"a member is skipped", func(set *pkgSet, _ *member) { set.broken = "p" }, Skipped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, txns := &pkgSet{}, &pkgSet{}
			nodes, g, b := groupNodes(set, txns)
			tc.break_(set, b)
			res := Apply(context.Background(), nodes, g, Options{Parallel: 2})
			if len(txns.transactions) != 0 {
				t.Fatalf("group batches %v, want none", txns.transactions)
			}
			a := res.Outcomes[1]
			if a.Status != Failed || a.Err != "held back: file.b, applied with it or not at all, did not converge" {
				t.Fatalf("file.a: %s (%s)", a.Status, a.Err)
			}
			if res.Outcomes[2].Status != tc.b || res.Outcomes[3].Status != Skipped {
				t.Fatalf("outcomes %+v", res.Outcomes)
			}
		})
	}
}

// Members that depend on each other cannot go together: the first fails,
// saying so, and the other is skipped, instead of one going alone.
func TestAllOrNothingMembersDependingOnEachOtherFail(t *testing.T) {
	txns := &pkgSet{}
	g := graph.New(2)
	g.AddEdge(0, 1, "ref")
	nodes := []Node{{Addr: "file.a", Resource: &member{fake: fake{differs: true}, name: "a", txns: txns}},
		{Addr: "file.b", Resource: &member{fake: fake{differs: true}, name: "b", txns: txns}}}
	res := Apply(context.Background(), nodes, g, Options{})
	if len(txns.transactions) != 0 {
		t.Fatalf("group batches %v, want none", txns.transactions)
	}
	if o := res.Outcomes[0]; o.Status != Failed || o.Err != "held back: file.b, to be applied with it, depends on it (directly or not)" {
		t.Fatalf("file.a: %s (%s)", o.Status, o.Err)
	}
	if o := res.Outcomes[1]; o.Status != Skipped {
		t.Fatalf("file.b: %s (%s), want skipped after file.a", o.Status, o.Err)
	}
}
