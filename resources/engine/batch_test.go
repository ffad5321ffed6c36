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
