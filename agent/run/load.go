package run

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources"
)

// computedReadTimeout bounds reading one resource for its computed
// attributes.
const computedReadTimeout = time.Minute

// Load evaluates node for a plan or an apply. When some instances depend
// on computed attributes (dkim_key.NAME.dns_matches), it reads the
// resources that provide them and evaluates the node again with what the
// host showed, until nothing is deferred or nothing more can be read. An
// instance still deferred then stands in as unknown, saying why: a plan
// shows it, an apply fails it and skips its dependents. A producer whose
// Read panicked is not called again: the run fails it with the panic.
//
// The diagnostics are every evaluation's; the catalog is nil when they
// hold an error.
func Load(ctx context.Context, repo *config.Repo, node string) (*config.Catalog, hcl.Diagnostics) {
	cat, diags := repo.Catalog(node)
	if diags.HasErrors() {
		return nil, diags
	}
	r := reading{observed: map[string]resources.State{}, unreadable: map[string]error{}}
	for len(cat.Deferred()) > 0 && r.read(ctx, cat) > 0 {
		next, more := repo.CatalogObserved(node, r.observed)
		diags = append(diags, more...)
		if more.HasErrors() {
			return nil, diags
		}
		cat = next
	}
	r.standIn(cat)
	return cat, diags
}

// reading is what Load learned from the producers of computed values: the
// state each showed, or why it could not be read.
type reading struct {
	observed   map[string]resources.State
	unreadable map[string]error
}

// read reads the producers not read yet and returns how many it read; one
// that fails is remembered as unreadable: the run's own Read of it fails
// the same way (after a panic, standIn fails it without calling it
// again), and its dependents are skipped.
func (r *reading) read(ctx context.Context, cat *config.Catalog) int {
	n := 0
	for _, p := range cat.Producers() {
		addr := p.Addr.String()
		if _, done := r.observed[addr]; done {
			continue
		}
		if _, failed := r.unreadable[addr]; failed {
			continue
		}
		st, err := readProducer(ctx, p.Resource)
		if err != nil {
			r.unreadable[addr] = err
			continue
		}
		r.observed[addr] = st
		n++
	}
	return n
}

// readProducer reads one producer, bounded and guarded.
func readProducer(ctx context.Context, res resources.Resource) (resources.State, error) {
	ctx, cancel := context.WithTimeout(ctx, computedReadTimeout)
	defer cancel()
	var st resources.State
	err := resources.Guard(func() error {
		var err error
		st, err = res.Read(ctx)
		return err
	})
	return st, err
}

// standIn completes the catalog: a producer whose Read panicked fails
// with that panic, and every instance still deferred stands in as
// unknown, naming what it waits for.
func (r *reading) standIn(cat *config.Catalog) {
	for addr, err := range r.unreadable {
		if p := new(resources.PanicError); errors.As(err, &p) {
			if inst, _, ok := cat.Find(addr); ok {
				inst.Resource = failed{err: err}
			}
		}
	}
	for _, inst := range cat.Deferred() {
		why := "unknown: " + r.waitingFor(inst)
		if inst.Undecryptable != "" {
			why = "unknown (no identity): " + inst.Undecryptable
		}
		inst.Resource = unresolved{why: why}
	}
}

// waitingFor says why an instance is still deferred.
func (r *reading) waitingFor(inst *config.Instance) string {
	var why []string
	for _, addr := range slices.Sorted(maps.Keys(r.unreadable)) {
		why = append(why, addr+" could not be read ("+reason(r.unreadable[addr])+")")
	}
	if len(why) == 0 {
		why = append(why, "no resource of this node provides them")
	}
	return inst.Addr.String() + " depends on computed attributes that are not known: " + strings.Join(why, "; ")
}

// reason is what an error says, in one line for a panic.
func reason(err error) string {
	if p := new(resources.PanicError); errors.As(err, &p) {
		return p.Short()
	}
	return err.Error()
}
