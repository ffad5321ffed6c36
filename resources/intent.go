package resources

import "fmt"

// A kind's Plan decides what its Apply will do; the Change says it for
// people, and the intent says it for Apply, in the kind's own types. Plan
// attaches its intent with WithIntent, Apply takes it back with IntentOf:
// Apply never parses the Change's display text, and a kind keeps nothing
// between Plan and Apply but what the Change carries.
//
// The intent never leaves the process the plan was made in: it is not in
// the Change's JSON, a report, a saved plan or the provider protocol (a
// provider keeps the intents of the plans it made until their Apply), and
// it is never printed, so it may hold what the Change masks.

// WithIntent returns c carrying intent, the typed plan of c's Apply.
func WithIntent[T any](c Change, intent T) Change {
	c.intent = intent
	return c
}

// IntentOf returns the intent Plan attached to c. It is an error for c to
// carry none, or one of another type: Apply was handed a Change that is
// not what this kind's Plan returned.
func IntentOf[T any](c Change) (T, error) {
	t, ok := c.intent.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("the change carries no %T plan: Apply needs the Change its own Plan returned in this run", zero)
	}
	return t, nil
}

// CarryIntent returns c with the intent of planned, the Change Plan
// returned: a provider serving its kinds over the protocol receives the
// Change back without it, and restores it before calling Apply.
func (c Change) CarryIntent(planned Change) Change {
	c.intent = planned.intent
	return c
}
