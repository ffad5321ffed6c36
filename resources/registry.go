package resources

import (
	"fmt"
	"sort"
)

// Registry maps kind names to kinds. The config loader reads schemas from
// it; the engine binds instances through it.
type Registry struct {
	kinds map[string]Kind
}

// NewRegistry returns a registry holding the given kinds. A kind named
// twice is a programming error.
func NewRegistry(kinds ...Kind) *Registry {
	r := &Registry{kinds: map[string]Kind{}}
	for _, k := range kinds {
		name := k.Schema().Kind
		if _, dup := r.kinds[name]; dup {
			panic(fmt.Sprintf("resource kind %q registered twice", name))
		}
		r.kinds[name] = k
	}
	return r
}

// Kind returns the kind of that name.
func (r *Registry) Kind(name string) (Kind, bool) {
	k, ok := r.kinds[name]
	return k, ok
}

// Names lists the registered kinds in order.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
