package plugin

import (
	"context"
	"fmt"
	"sync"

	"github.com/tendhq/tend/resources"
)

// Local serves Go kinds through the provider protocol. It is how built-in
// kinds are offered in tend's own process, and what a provider executable
// hands to Serve.
//
// It keeps the resource it bound for each address, so Read, Plan, Apply,
// Verify and Refresh of one instance reach the same Go value, as they
// would without the protocol in between. Binding an address again
// replaces what it kept. It also keeps the Change each Plan returned
// until its Apply, which receives the Change back over the protocol
// without the kind's typed intent (resources.WithIntent): Apply gets the
// intent its own Plan made, which never crosses the protocol.
func Local(kinds ...resources.Kind) Provider {
	l := &local{kinds: map[string]resources.Kind{}, bound: map[string]resources.Resource{}, planned: map[string]resources.Change{}}
	for _, k := range kinds {
		l.order = append(l.order, k)
		l.kinds[k.Schema().Kind] = k
	}
	return l
}

type local struct {
	order   []resources.Kind
	kinds   map[string]resources.Kind
	mu      sync.RWMutex
	bound   map[string]resources.Resource // by address
	planned map[string]resources.Change   // by address, until Apply
}

var _ BatchApplier = (*local)(nil)

func (l *local) Schemas(context.Context) ([]resources.Schema, error) {
	out := make([]resources.Schema, len(l.order))
	for i, k := range l.order {
		out[i] = k.Schema()
	}
	return out, nil
}

func (l *local) Bind(_ context.Context, req Request) (Binding, error) {
	b, _, err := l.bind(req)
	return b, err
}

func (l *local) bind(req Request) (Binding, resources.Resource, error) {
	k, err := l.kind(req)
	if err != nil {
		return Binding{}, nil, err
	}
	b := Binding{Identities: k.Identities(req.Config), Order: k.Order(req.Config)}
	r, err := k.New(req.Config)
	if err != nil {
		return b, nil, err
	}
	_, b.Refreshes = r.(resources.Refresher)
	if bt, ok := r.(resources.Batcher); ok {
		b.Batch = bt.BatchKey()
	}
	if tx, ok := r.(resources.Transaction); ok {
		b.AllOrNothing = tx.AllOrNothing()
	}
	l.mu.Lock()
	l.bound[req.Config.Addr.String()] = r
	delete(l.planned, req.Config.Addr.String())
	l.mu.Unlock()
	return b, r, nil
}

// resource returns the instance bound for the request's address, binding
// it first when Bind was not called for it (in this process).
func (l *local) resource(req Request) (resources.Resource, error) {
	if req.Config == nil {
		return nil, fmt.Errorf("request for kind %q carries no configuration", req.Kind)
	}
	l.mu.RLock()
	r, ok := l.bound[req.Config.Addr.String()]
	l.mu.RUnlock()
	if ok {
		return r, nil
	}
	_, r, err := l.bind(req)
	return r, err
}

func (l *local) kind(req Request) (resources.Kind, error) {
	k, ok := l.kinds[req.Kind]
	if !ok {
		return nil, fmt.Errorf("this provider has no kind %q", req.Kind)
	}
	if req.Config == nil {
		return nil, fmt.Errorf("request for kind %q carries no configuration", req.Kind)
	}
	return k, nil
}

func (l *local) Read(ctx context.Context, req Request) (resources.State, error) {
	r, err := l.resource(req)
	if err != nil {
		return nil, err
	}
	return r.Read(ctx)
}

func (l *local) Plan(ctx context.Context, req Request, observed resources.State) (resources.Change, error) {
	r, err := l.resource(req)
	if err != nil {
		return resources.Change{}, err
	}
	c, err := r.Plan(ctx, observed)
	if err == nil && c.Action != resources.NoOp && c.Action != resources.Refresh {
		l.mu.Lock()
		l.planned[req.Config.Addr.String()] = c
		l.mu.Unlock()
	}
	return c, err
}

// intended returns c carrying the intent of the plan made for req's
// address, which Apply consumes: a plan is applied once.
func (l *local) intended(req Request, c resources.Change) resources.Change {
	addr := req.Config.Addr.String()
	l.mu.Lock()
	defer l.mu.Unlock()
	planned, ok := l.planned[addr]
	if !ok {
		return c
	}
	delete(l.planned, addr)
	return c.CarryIntent(planned)
}

func (l *local) Apply(ctx context.Context, req Request, c resources.Change) (Result, error) {
	r, err := l.resource(req)
	if err != nil {
		return Result{}, err
	}
	err = r.Apply(ctx, l.intended(req, c))
	return resultOf(r), err
}

func (l *local) Verify(ctx context.Context, req Request) error {
	r, err := l.resource(req)
	if err != nil {
		return err
	}
	return r.Verify(ctx)
}

func (l *local) Refresh(ctx context.Context, req Request) (Result, error) {
	r, err := l.resource(req)
	if err != nil {
		return Result{}, err
	}
	rf, ok := r.(resources.Refresher)
	if !ok {
		return Result{}, ErrNoRefresh
	}
	err = rf.Refresh(ctx)
	return resultOf(r), err
}

// ApplyBatch hands every item to the first item's ApplyBatch, as the
// engine does with Go Batchers.
func (l *local) ApplyBatch(ctx context.Context, items []BatchItem) ([]Result, []error) {
	results := make([]Result, len(items))
	batch := make([]resources.BatchItem, len(items))
	var first resources.Batcher
	for i, it := range items {
		r, err := l.resource(it.Request)
		if err != nil {
			return results, sameError(len(items), err)
		}
		bt, ok := r.(resources.Batcher)
		if !ok {
			return results, sameError(len(items), fmt.Errorf("%s does not apply in batches", it.Request.Config.Addr))
		}
		if first == nil {
			first = bt
		}
		batch[i] = resources.BatchItem{Resource: r, Change: l.intended(it.Request, it.Change)}
	}
	if first == nil {
		return results, nil
	}
	errs := first.ApplyBatch(ctx, batch)
	for i, it := range batch {
		results[i] = resultOf(it.Resource)
	}
	return results, padErrors(errs, len(items))
}

func resultOf(r resources.Resource) Result {
	if o, ok := r.(resources.Outputter); ok {
		return Result{Output: o.Output()}
	}
	return Result{}
}

func sameError(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// padErrors makes a Batcher's answer one error per item, whatever it
// returned.
func padErrors(errs []error, n int) []error {
	out := make([]error, n)
	copy(out, errs)
	return out
}
