package resources

import "context"

// Reverter is implemented by resources that can undo what their Apply
// did in this run, from a copy kept in memory since then (a file puts
// back the content, owner and mode it replaced, or removes what it
// created). The engine calls Revert when a health check of a resource
// they notified fails after the refresh (see engine.Apply). Revert must
// leave the thing as Read found it before Apply, or fail saying why.
type Reverter interface {
	Revert(ctx context.Context) error
}

// Liveness is implemented by Refreshers whose Refresh may not reach a
// running process, such as a service under an alternate root, where
// nothing runs. Live reports whether the latest Refresh did; the engine
// runs health checks only then.
type Liveness interface {
	Live() bool
}

// Recoverer is implemented by Refreshers that have a stronger way to
// load a configuration put back than their refresh: a service restarts
// (a reload cannot revive a daemon the bad configuration killed). After
// a rollback the engine calls Recover instead of Refresh.
type Recoverer interface {
	Recover(ctx context.Context) error
}
