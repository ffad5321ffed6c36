package resources

import (
	"fmt"
	"runtime/debug"
)

// Guard calls f and turns a panic in it into a *PanicError. Every call
// tend makes into a kind goes through it (the engine's walk, the loader's
// binding, reading computed values, sweeping): a kind that panics fails
// the resource it was called for, not tend.
func Guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{value: p, stack: debug.Stack()}
		}
	}()
	return f()
}

// PanicError is a panic in a kind, caught by Guard.
type PanicError struct {
	value any
	stack []byte
}

// Error is the panic and the stack, for the resource's own failure.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v\n%s", e.value, e.stack) }

// Short is the panic without its stack, for the reasons other resources
// or diagnostics give.
func (e *PanicError) Short() string { return fmt.Sprintf("panic: %v", e.value) }
