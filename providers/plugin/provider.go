package plugin

import (
	"context"
	"errors"

	"github.com/tendhq/tend/resources"
)

// Provider is the Go face of the provider protocol: everything tend asks
// of a provider, whether it runs in tend's own process (Local), in a
// subprocess of tend, or as an external executable. Every method is
// stateless from the caller's side: the Request names the instance, and
// the provider keeps whatever it bound for that address between calls.
type Provider interface {
	// Schemas describes every kind the provider offers.
	Schemas(ctx context.Context) ([]resources.Schema, error)
	// Bind checks an instance's configuration and says what it manages.
	// Attribute-specific configuration errors are *resources.AttrError.
	// The Binding's Identity and Needs are set even when err is not nil,
	// so conflicts are still reported next to the configuration error.
	Bind(ctx context.Context, req Request) (Binding, error)
	Read(ctx context.Context, req Request) (resources.State, error)
	Plan(ctx context.Context, req Request, observed resources.State) (resources.Change, error)
	// Apply carries out c. Result.Output is kept for the run report,
	// and is meaningful even when err is not nil.
	Apply(ctx context.Context, req Request, c resources.Change) (Result, error)
	Verify(ctx context.Context, req Request) error
	// Refresh acts on notify events; kinds that do not refresh return
	// ErrNoRefresh (and say Refreshes: false when bound).
	Refresh(ctx context.Context, req Request) (Result, error)
}

// BatchApplier is implemented by providers whose instances may apply
// their changes together (resources.Batcher): those bound with a Batch
// key. Local and providers reached over gRPC implement it.
type BatchApplier interface {
	// ApplyBatch applies every item, all of one kind and batch key, and
	// returns one Result and one error per item.
	ApplyBatch(ctx context.Context, items []BatchItem) ([]Result, []error)
}

// Request names one configured instance of a kind.
type Request struct {
	Kind string
	// Config carries the address, the values, which are sensitive, and
	// the run's environment.
	Config *resources.Config
}

// Binding is what Bind tells about an instance.
type Binding struct {
	// Identities and Order are the kind's resources.Kind.Identities and
	// Order.
	Identities []resources.ID
	Order      []resources.Order
	// Refreshes says the instance acts on notify events
	// (resources.Refresher); without it, events are ignored.
	Refreshes bool
	// Batch is the instance's batch key (resources.Batcher), or "" when
	// it applies alone.
	Batch string
	// AllOrNothing says the batch goes live whole or not at all
	// (resources.Transaction).
	AllOrNothing bool
}

// Result is what Apply and Refresh report besides success.
type Result struct {
	// Output is kept in the run report (resources.Outputter).
	Output string
}

// BatchItem is one instance of a batch and the change planned for it.
type BatchItem struct {
	Request Request
	Change  resources.Change
}

// ErrNoRefresh is Refresh's error for instances that do not refresh.
var ErrNoRefresh = errors.New("kind has no refresh")
