package run

import (
	"context"
	"errors"

	"github.com/tendhq/tend/resources"
)

// unresolved stands in for an instance whose configuration could not be
// completed: a plan shows it as unknown, an apply fails it and skips what
// depends on it.
type unresolved struct{ why string }

func (u unresolved) Read(context.Context) (resources.State, error) {
	return resources.State{}, nil
}

func (u unresolved) Plan(context.Context, resources.State) (resources.Change, error) {
	return resources.Change{Action: resources.Unknown, Reason: u.why}, nil
}

func (u unresolved) Apply(context.Context, resources.Change) error { return errors.New(u.why) }

func (u unresolved) Verify(context.Context) error { return errors.New(u.why) }

// failed stands in for a resource that must not be called again in this
// run (its Read panicked while Load read it): the run fails it with err
// and skips what depends on it.
type failed struct{ err error }

func (f failed) Read(context.Context) (resources.State, error) { return nil, f.err }

func (f failed) Plan(context.Context, resources.State) (resources.Change, error) {
	return resources.Change{}, f.err
}

func (f failed) Apply(context.Context, resources.Change) error { return f.err }

func (f failed) Verify(context.Context) error { return f.err }
