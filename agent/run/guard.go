package run

import (
	"fmt"
	"runtime/debug"
)

// guard calls f and turns a panic in it into a *panicError, as the engine
// does for the calls it makes: a kind that panics fails the resource it
// was called for, not tend.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return f()
}

// panicError is a panic in a kind, caught by guard.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v\n%s", e.value, e.stack) }

// short is the panic without its stack, for the reasons other resources
// give.
func (e *panicError) short() string { return fmt.Sprintf("panic: %v", e.value) }
