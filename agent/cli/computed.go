package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources"
)

// computedReadTimeout bounds reading one resource for its computed
// attributes.
const computedReadTimeout = time.Minute

// loadObserved loads the node's catalog for plan and apply: when some
// instances depend on computed attributes (dkim_key.NAME.dns_matches), it
// reads the resources that provide them and evaluates the node again
// with what the host showed, until nothing is deferred or nothing more
// can be read.
func loadObserved(ctx context.Context, env *cmdEnv, c *common) (*config.Catalog, bool) {
	repo, ok := openRepo(env, c)
	if !ok {
		return nil, false
	}
	cat, diags := repo.Catalog(c.node)
	if !printDiags(env, repo, diags) {
		return nil, false
	}
	observed := map[string]resources.State{}
	unreadable := map[string]string{}
	for len(cat.Deferred()) > 0 {
		if readProducers(ctx, cat, observed, unreadable) == 0 {
			break
		}
		cat, diags = repo.CatalogObserved(c.node, observed)
		if !printDiags(env, repo, diags) {
			return nil, false
		}
	}
	for _, inst := range cat.Deferred() {
		why := waitingFor(inst, unreadable)
		if inst.Undecryptable != "" {
			why = "unknown (no identity): " + inst.Undecryptable
		} else {
			why = "unknown: " + why
		}
		inst.Resource = unresolved{why: why}
	}
	env.link.Secrets(cat.Secrets)
	crashForTest(cat)
	return cat, true
}

// readProducers reads the producers not read yet and returns how many it
// read; one that fails is remembered as unreadable (the run's own Read of
// it fails the same way, and skips its dependents).
func readProducers(ctx context.Context, cat *config.Catalog, observed map[string]resources.State, unreadable map[string]string) int {
	n := 0
	for _, p := range cat.Producers() {
		addr := p.Addr.String()
		if _, done := observed[addr]; done {
			continue
		}
		if _, failed := unreadable[addr]; failed {
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, computedReadTimeout)
		st, err := p.Resource.Read(rctx)
		cancel()
		if err != nil {
			unreadable[addr] = err.Error()
			continue
		}
		observed[addr] = st
		n++
	}
	return n
}

// waitingFor says why an instance is still deferred.
func waitingFor(inst *config.Instance, unreadable map[string]string) string {
	var why []string
	for _, addr := range slices.Sorted(maps.Keys(unreadable)) {
		why = append(why, addr+" could not be read ("+unreadable[addr]+")")
	}
	if len(why) == 0 {
		why = append(why, "no resource of this node provides them")
	}
	return inst.Addr.String() + " depends on computed attributes that are not known: " + strings.Join(why, "; ")
}

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

func (u unresolved) Apply(context.Context, resources.Change) error { return fmt.Errorf("%s", u.why) }

func (u unresolved) Verify(context.Context) error { return fmt.Errorf("%s", u.why) }
