package plugin

import (
	"context"
	"encoding/json"

	"github.com/tendhq/tend/providers/plugin/wire"
	"github.com/tendhq/tend/resources"
)

// grpcServer answers the protocol's calls with a Provider. What the
// Provider returns, errors included, goes back in the response message;
// a request it cannot decode fails that call only.
type grpcServer struct {
	wire.UnimplementedProviderServer
	p Provider
}

func (s *grpcServer) Schemas(ctx context.Context, _ *wire.SchemasRequest) (*wire.SchemasResponse, error) {
	schemas, err := s.p.Schemas(ctx)
	if err != nil {
		return nil, err
	}
	resp := &wire.SchemasResponse{}
	for _, sc := range schemas {
		b, err := json.Marshal(sc)
		if err != nil {
			return nil, err
		}
		resp.Schemas = append(resp.Schemas, b)
	}
	return resp, nil
}

func (s *grpcServer) Bind(ctx context.Context, w *wire.Request) (*wire.BindResponse, error) {
	req, err := decodeRequest(w)
	if err != nil {
		return &wire.BindResponse{Error: errorToWire(err)}, nil
	}
	b, err := s.p.Bind(ctx, req)
	return &wire.BindResponse{Identities: identitiesToWire(b.Identities), Order: orderToWire(b.Order),
		Refreshes: b.Refreshes, Batch: b.Batch, AllOrNothing: b.AllOrNothing, Error: errorToWire(err)}, nil
}

func (s *grpcServer) Read(ctx context.Context, w *wire.Request) (*wire.ReadResponse, error) {
	req, err := decodeRequest(w)
	if err != nil {
		return &wire.ReadResponse{Error: errorToWire(err)}, nil
	}
	st, err := s.p.Read(ctx, req)
	return &wire.ReadResponse{State: st, Error: errorToWire(err)}, nil
}

func (s *grpcServer) Plan(ctx context.Context, w *wire.PlanRequest) (*wire.PlanResponse, error) {
	req, err := decodeRequest(w.GetRequest())
	if err != nil {
		return &wire.PlanResponse{Error: errorToWire(err)}, nil
	}
	c, err := s.p.Plan(ctx, req, resources.State(w.GetObserved()))
	if err != nil {
		return &wire.PlanResponse{Error: errorToWire(err)}, nil
	}
	b, err := encodeChange(c)
	return &wire.PlanResponse{Change: b, Error: errorToWire(err)}, nil
}

func (s *grpcServer) Apply(ctx context.Context, w *wire.ApplyRequest) (*wire.ApplyResponse, error) {
	req, c, err := decodeApply(w)
	if err != nil {
		return &wire.ApplyResponse{Error: errorToWire(err)}, nil
	}
	res, err := s.p.Apply(ctx, req, c)
	return &wire.ApplyResponse{Output: res.Output, Error: errorToWire(err)}, nil
}

func (s *grpcServer) Verify(ctx context.Context, w *wire.Request) (*wire.VerifyResponse, error) {
	req, err := decodeRequest(w)
	if err != nil {
		return &wire.VerifyResponse{Error: errorToWire(err)}, nil
	}
	return &wire.VerifyResponse{Error: errorToWire(s.p.Verify(ctx, req))}, nil
}

func (s *grpcServer) Refresh(ctx context.Context, w *wire.Request) (*wire.ApplyResponse, error) {
	req, err := decodeRequest(w)
	if err != nil {
		return &wire.ApplyResponse{Error: errorToWire(err)}, nil
	}
	res, err := s.p.Refresh(ctx, req)
	return &wire.ApplyResponse{Output: res.Output, Error: errorToWire(err)}, nil
}

func (s *grpcServer) ApplyBatch(ctx context.Context, w *wire.BatchRequest) (*wire.BatchResponse, error) {
	resp := &wire.BatchResponse{Results: make([]*wire.ApplyResponse, len(w.GetItems()))}
	items := make([]BatchItem, len(w.GetItems()))
	for i, it := range w.GetItems() {
		req, c, err := decodeApply(it)
		if err != nil {
			return failBatch(resp, err), nil
		}
		items[i] = BatchItem{Request: req, Change: c}
	}
	ba, ok := s.p.(BatchApplier)
	if !ok {
		return failBatch(resp, errNoBatch), nil
	}
	results, errs := ba.ApplyBatch(ctx, items)
	errs = padErrors(errs, len(items))
	for i := range resp.Results {
		r := &wire.ApplyResponse{Error: errorToWire(errs[i])}
		if i < len(results) {
			r.Output = results[i].Output
		}
		resp.Results[i] = r
	}
	return resp, nil
}

func decodeApply(w *wire.ApplyRequest) (Request, resources.Change, error) {
	req, err := decodeRequest(w.GetRequest())
	if err != nil {
		return req, resources.Change{}, err
	}
	c, err := decodeChange(w.GetChange())
	return req, c, err
}

func failBatch(resp *wire.BatchResponse, err error) *wire.BatchResponse {
	for i := range resp.Results {
		resp.Results[i] = &wire.ApplyResponse{Error: errorToWire(err)}
	}
	return resp
}
