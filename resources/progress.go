package resources

import "context"

// News is what a resource says while it works, for whoever watches the
// run: a line a program it runs printed (Message), or how far it has come
// (Status). It is shown as it comes and is not part of the outcome; what
// the report must keep goes through Outputter.
type News struct {
	Kind NewsKind
	// Text is the line, or for Status what is being done ("Installing
	// postfix"). It may quote what a program printed: whoever shows it
	// redacts and escapes it.
	Text string
	// Percent is, for Status, how much of the work is done (0–100).
	Percent float64
}

// NewsKind says what News is.
type NewsKind int

const (
	// Message is a line worth reading, such as dpkg's "Setting up postfix".
	Message NewsKind = iota
	// Status replaces the status before it: only the latest one matters.
	Status
)

type listenerKey struct{}

// WithListener returns a context whose resources' News goes to listen,
// which may be called from several goroutines at once.
func WithListener(ctx context.Context, listen func(News)) context.Context {
	return context.WithValue(ctx, listenerKey{}, listen)
}

// Tell passes n to the listener of ctx, if there is one. Kinds call it
// with the context their Apply, ApplyBatch or Refresh was given.
func Tell(ctx context.Context, n News) {
	if listen, ok := ctx.Value(listenerKey{}).(func(News)); ok {
		listen(n)
	}
}
