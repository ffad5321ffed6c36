package plugin

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tendhq/tend/resources"
)

// Kinds returns the kinds p offers as resources.Kind values, for the
// registry the config loader and the engine use. Their resources call p
// for every step; what p says when binding decides whether a resource
// also is a resources.Refresher (Binding.Refreshes) and a
// resources.Batcher (Binding.Batch, when p is a BatchApplier), so the
// engine treats it as it would the Go kind p serves.
func Kinds(ctx context.Context, p Provider) ([]resources.Kind, error) {
	schemas, err := p.Schemas(ctx)
	if err != nil {
		return nil, err
	}
	rp := &remoteProvider{p: p, id: providerIDs.Add(1)}
	rp.batch, _ = p.(BatchApplier)
	out := make([]resources.Kind, len(schemas))
	for i, s := range schemas {
		if err := s.CheckDefaults(); err != nil {
			return nil, fmt.Errorf("provider schema: %w", err)
		}
		out[i] = &remoteKind{schema: s, prov: rp, bound: map[*resources.Config]bound{}}
	}
	return out, nil
}

// providerIDs numbers providers so that batch keys of two providers never
// meet in one engine batch.
var providerIDs atomic.Uint64

type remoteProvider struct {
	p     Provider
	batch BatchApplier
	id    uint64
}

// remoteKind asks its provider to bind each configuration once: the
// loader calls Identities, New and Order for one *Config in turn, and the
// Kind interface has no context and Identity no error, so the first call
// binds and the answer is kept.
type remoteKind struct {
	schema resources.Schema
	prov   *remoteProvider
	mu     sync.Mutex
	bound  map[*resources.Config]bound
}

type bound struct {
	b   Binding
	err error
}

func (k *remoteKind) Schema() resources.Schema { return k.schema }

func (k *remoteKind) Identities(cfg *resources.Config) []resources.ID {
	return k.binding(cfg).b.Identities
}

func (k *remoteKind) Order(cfg *resources.Config) []resources.Order { return k.binding(cfg).b.Order }

func (k *remoteKind) New(cfg *resources.Config) (resources.Resource, error) {
	bd := k.binding(cfg)
	if bd.err != nil {
		return nil, bd.err
	}
	r := &resource{prov: k.prov, req: Request{Kind: k.schema.Kind, Config: cfg}}
	key := ""
	if bd.b.Batch != "" && k.prov.batch != nil {
		key = fmt.Sprintf("provider %d: %s", k.prov.id, bd.b.Batch)
	}
	switch {
	case bd.b.Refreshes && key != "":
		return &refreshBatcher{batcher{r, key, bd.b.AllOrNothing}}, nil
	case bd.b.Refreshes:
		return &refresher{r}, nil
	case key != "":
		return &batcher{r, key, bd.b.AllOrNothing}, nil
	}
	return r, nil
}

func (k *remoteKind) binding(cfg *resources.Config) bound {
	k.mu.Lock()
	bd, ok := k.bound[cfg]
	k.mu.Unlock()
	if ok {
		return bd
	}
	bd.b, bd.err = k.prov.p.Bind(context.Background(), Request{Kind: k.schema.Kind, Config: cfg})
	k.mu.Lock()
	k.bound[cfg] = bd
	k.mu.Unlock()
	return bd
}

// resource is one instance whose kind lives behind a Provider. The
// engine calls it from one goroutine at a time.
type resource struct {
	prov   *remoteProvider
	req    Request
	output string
}

var _ resources.Outputter = (*resource)(nil)

func (r *resource) Read(ctx context.Context) (resources.State, error) {
	return r.prov.p.Read(ctx, r.req)
}

func (r *resource) Plan(ctx context.Context, observed resources.State) (resources.Change, error) {
	return r.prov.p.Plan(ctx, r.req, observed)
}

func (r *resource) Apply(ctx context.Context, c resources.Change) error {
	res, err := r.prov.p.Apply(ctx, r.req, c)
	r.output = res.Output
	return err
}

func (r *resource) Verify(ctx context.Context) error { return r.prov.p.Verify(ctx, r.req) }

// Output is what the last Apply or Refresh reported.
func (r *resource) Output() string { return r.output }

func (r *resource) refresh(ctx context.Context) error {
	res, err := r.prov.p.Refresh(ctx, r.req)
	r.output = res.Output
	return err
}

func (r *resource) base() *resource { return r }

// refresher is a resource whose kind acts on notify events.
type refresher struct{ *resource }

func (r *refresher) Refresh(ctx context.Context) error { return r.refresh(ctx) }

// batcher is a resource whose changes its provider applies together with
// others of the same key.
type batcher struct {
	*resource
	key          string
	allOrNothing bool
}

func (b *batcher) BatchKey() string { return b.key }

// AllOrNothing is what the provider bound (resources.Transaction).
func (b *batcher) AllOrNothing() bool { return b.allOrNothing }

// ApplyBatch hands the whole batch to the provider in one call. The
// engine only puts resources of one BatchKey in a batch, and the key
// names the provider, so every item is one of this provider's.
func (b *batcher) ApplyBatch(ctx context.Context, items []resources.BatchItem) []error {
	reqs := make([]BatchItem, len(items))
	members := make([]*resource, len(items))
	for i, it := range items {
		m, ok := it.Resource.(interface{ base() *resource })
		if !ok || m.base().prov != b.prov {
			return sameError(len(items), fmt.Errorf("batch mixes resources of other providers"))
		}
		members[i] = m.base()
		reqs[i] = BatchItem{Request: members[i].req, Change: it.Change}
	}
	results, errs := b.prov.batch.ApplyBatch(ctx, reqs)
	for i, m := range members {
		if i < len(results) {
			m.output = results[i].Output
		}
	}
	return padErrors(errs, len(items))
}

type refreshBatcher struct{ batcher }

func (r *refreshBatcher) Refresh(ctx context.Context) error { return r.refresh(ctx) }
