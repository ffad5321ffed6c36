package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tendhq/tend/providers/plugin/wire"
	"github.com/tendhq/tend/resources"
)

// grpcClient is a Provider whose calls go over gRPC. A provider's own
// errors come back as they were returned (text, attribute,
// ErrNoRefresh); a failed call (the provider died, hung past the
// deadline, or answered nonsense) is a *transportError, which Process
// treats as the provider being broken.
type grpcClient struct {
	c wire.ProviderClient
}

var _ BatchApplier = (*grpcClient)(nil)

// transportError is a call that got no answer from the provider.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }

func (e *transportError) Unwrap() error { return e.err }

var errNoBatch = errors.New("this provider does not apply changes in batches")

func (g *grpcClient) Schemas(ctx context.Context) ([]resources.Schema, error) {
	resp, err := g.c.Schemas(ctx, &wire.SchemasRequest{})
	if err != nil {
		return nil, &transportError{err}
	}
	out := make([]resources.Schema, len(resp.GetSchemas()))
	for i, b := range resp.GetSchemas() {
		if err := json.Unmarshal(b, &out[i]); err != nil {
			return nil, &transportError{fmt.Errorf("decoding a schema: %w", err)}
		}
	}
	return out, nil
}

func (g *grpcClient) Bind(ctx context.Context, req Request) (Binding, error) {
	w, err := encodeRequest(req)
	if err != nil {
		return Binding{}, err
	}
	resp, err := g.c.Bind(ctx, w)
	if err != nil {
		return Binding{}, &transportError{err}
	}
	b := Binding{Refreshes: resp.GetRefreshes(), Batch: resp.GetBatch(), AllOrNothing: resp.GetAllOrNothing()}
	if b.Identities, err = identitiesFromWire(resp.GetIdentities()); err == nil {
		b.Order, err = orderFromWire(resp.GetOrder())
	}
	if err != nil {
		return b, fmt.Errorf("the provider's binding of %s: %w", req.Config.Addr, err)
	}
	return b, errorFromWire(resp.GetError())
}

func (g *grpcClient) Read(ctx context.Context, req Request) (resources.State, error) {
	w, err := encodeRequest(req)
	if err != nil {
		return nil, err
	}
	resp, err := g.c.Read(ctx, w)
	if err != nil {
		return nil, &transportError{err}
	}
	if err := errorFromWire(resp.GetError()); err != nil {
		return nil, err
	}
	st := resources.State(resp.GetState())
	if st == nil {
		st = resources.State{}
	}
	return st, nil
}

func (g *grpcClient) Plan(ctx context.Context, req Request, observed resources.State) (resources.Change, error) {
	w, err := encodeRequest(req)
	if err != nil {
		return resources.Change{}, err
	}
	resp, err := g.c.Plan(ctx, &wire.PlanRequest{Request: w, Observed: observed})
	if err != nil {
		return resources.Change{}, &transportError{err}
	}
	if err := errorFromWire(resp.GetError()); err != nil {
		return resources.Change{}, err
	}
	c, err := decodeChange(resp.GetChange())
	if err != nil {
		return c, &transportError{err}
	}
	return c, nil
}

func (g *grpcClient) Apply(ctx context.Context, req Request, c resources.Change) (Result, error) {
	w, err := encodeApply(req, c)
	if err != nil {
		return Result{}, err
	}
	resp, err := g.c.Apply(ctx, w)
	if err != nil {
		return Result{}, &transportError{err}
	}
	return Result{Output: bounded(resp.GetOutput())}, errorFromWire(resp.GetError())
}

func (g *grpcClient) Verify(ctx context.Context, req Request) error {
	w, err := encodeRequest(req)
	if err != nil {
		return err
	}
	resp, err := g.c.Verify(ctx, w)
	if err != nil {
		return &transportError{err}
	}
	return errorFromWire(resp.GetError())
}

func (g *grpcClient) Refresh(ctx context.Context, req Request) (Result, error) {
	w, err := encodeRequest(req)
	if err != nil {
		return Result{}, err
	}
	resp, err := g.c.Refresh(ctx, w)
	if err != nil {
		return Result{}, &transportError{err}
	}
	return Result{Output: bounded(resp.GetOutput())}, errorFromWire(resp.GetError())
}

func (g *grpcClient) ApplyBatch(ctx context.Context, items []BatchItem) ([]Result, []error) {
	w := &wire.BatchRequest{Items: make([]*wire.ApplyRequest, len(items))}
	for i, it := range items {
		a, err := encodeApply(it.Request, it.Change)
		if err != nil {
			return make([]Result, len(items)), sameError(len(items), err)
		}
		w.Items[i] = a
	}
	resp, err := g.c.ApplyBatch(ctx, w)
	if err != nil {
		return make([]Result, len(items)), sameError(len(items), &transportError{err})
	}
	if len(resp.GetResults()) != len(items) {
		err := &transportError{fmt.Errorf("the provider answered %d results for %d items", len(resp.GetResults()), len(items))}
		return make([]Result, len(items)), sameError(len(items), err)
	}
	results := make([]Result, len(items))
	errs := make([]error, len(items))
	for i, r := range resp.GetResults() {
		results[i] = Result{Output: bounded(r.GetOutput())}
		errs[i] = errorFromWire(r.GetError())
	}
	return results, errs
}

func encodeApply(req Request, c resources.Change) (*wire.ApplyRequest, error) {
	w, err := encodeRequest(req)
	if err != nil {
		return nil, err
	}
	b, err := encodeChange(c)
	if err != nil {
		return nil, err
	}
	return &wire.ApplyRequest{Request: w, Change: b}, nil
}
