package resources

import (
	"context"
	"fmt"
)

// Resource is one configured instance of a kind, bound to its desired
// attribute values. The engine drives every resource through the same
// contract, in this order:
//
//  1. Read observes the current state of the managed thing. It must not
//     change anything on the host.
//  2. Plan compares the configured values with the observed state and says
//     what Apply would do: a typed Action, a Reason, and the differences.
//     It must not change anything on the host either: `tend plan` calls
//     only Read and Plan.
//  3. Apply carries out the Change that Plan returned, and nothing else.
//     It is called only when the action is not NoOp or Refresh.
//  4. Verify confirms, after Apply, that the host now is as configured. A
//     resource whose Verify fails is reported as failed even though Apply
//     returned no error.
//
// Every method takes a context whose deadline bounds the call.
type Resource interface {
	Read(ctx context.Context) (State, error)
	Plan(ctx context.Context, observed State) (Change, error)
	Apply(ctx context.Context, c Change) error
	Verify(ctx context.Context) error
}

// Refresher is implemented by resources that act on notify events: a
// service reloads, a map rebuilds, a command runs. Refresh is called after
// the resource itself has converged, once per run however many notifiers
// changed. Resources that do not implement it ignore refresh events.
type Refresher interface {
	Refresh(ctx context.Context) error
}

// Sweeper is implemented by resources that write through temporary files
// a killed run can leave behind. TempDirs names the directories (managed
// paths) holding them; before an apply changes anything, the engine calls
// Sweep once per distinct directory, which removes what earlier runs left
// there and nothing else. Sweep never runs during a plan.
type Sweeper interface {
	TempDirs() []string
	Sweep(dir string) (removed int, err error)
}

// Kind is a resource type a provider offers: its schema, what instances
// manage (for conflict detection), where they go relative to others, and
// how to bind a configured instance.
type Kind interface {
	Schema() Schema
	// Identities names the things an instance manages, the main one
	// first: a file's path; a certificate's key and chain files. Two
	// instances sharing any identity are a configuration error.
	Identities(cfg *Config) []ID
	// Order places an instance relative to whatever manages some
	// identities, whenever a resource of the catalog does: after its
	// parent directories and its owner (a file), before every package
	// (an APT source). An identity nothing manages orders nothing.
	Order(cfg *Config) []Order
	// New binds a configured instance. Errors here are configuration
	// errors the schema could not express ("mode must be octal").
	New(cfg *Config) (Resource, error)
}

// Outputter is implemented by resources whose Apply or Refresh produced
// output worth keeping in the run report (a command's stdout and stderr).
// Output returns what the latest call printed; the engine reads it after
// each call and keeps every call's output.
type Outputter interface {
	Output() string
}

// AttrError is a configuration error in one attribute, returned by
// Kind.New; the config loader points its diagnostic at that attribute.
type AttrError struct {
	Attr string
	Err  error
}

func (e *AttrError) Error() string { return e.Err.Error() }

func (e *AttrError) Unwrap() error { return e.Err }

// AttrErrorf builds an AttrError for attr.
func AttrErrorf(attr, format string, args ...any) error {
	return &AttrError{Attr: attr, Err: fmt.Errorf(format, args...)}
}

// Batcher is implemented by resources whose changes their kind makes
// together, such as every package install of a run in one apt
// transaction. When a Batcher's plan changes something, the engine parks
// it; when nothing else can run, it hands every parked resource with the
// same BatchKey to ApplyBatch of the first of them, in one call. Verify
// and Refresh then run per resource as usual.
type Batcher interface {
	BatchKey() string
	// ApplyBatch applies every item's change and returns one error per
	// item (nil where the item succeeded).
	ApplyBatch(ctx context.Context, items []BatchItem) []error
}

// A Transaction is a Batcher whose batch is all or nothing, such as the
// files of one file_group. The engine applies its batch only once every
// resource of the run with the same BatchKey has been planned, so that a
// member still waiting for its dependencies is never left out; when one
// of them failed or was skipped, no member is applied: each fails, held
// back, naming that one.
type Transaction interface {
	Batcher
	AllOrNothing() bool
}

// BatchItem is one parked resource and the change planned for it.
type BatchItem struct {
	Resource Resource
	Change   Change
}
