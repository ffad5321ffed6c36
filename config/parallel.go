package config

import (
	"runtime"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
)

// EachCatalog evaluates the catalogs of nodes (as Catalog does), as many
// at a time as GOMAXPROCS allows, and hands each to fn in the order of
// nodes, from the calling goroutine: what fn prints comes out as from a
// loop over Catalog. Catalogs evaluated ahead of fn are bounded, so
// memory does not grow with the number of nodes.
func (r *Repo) EachCatalog(nodes []string, fn func(node string, cat *Catalog, diags hcl.Diagnostics)) {
	type result struct {
		cat   *Catalog
		diags hcl.Diagnostics
	}
	workers := min(runtime.GOMAXPROCS(0), len(nodes))
	done := make([]chan result, len(nodes))
	for i := range done {
		done[i] = make(chan result, 1)
	}
	// A worker takes a token before taking the next node, and fn's loop
	// gives it back once it handled that node: the earliest node not
	// handled yet always holds a token, so the loop never waits in vain.
	ahead := make(chan struct{}, 2*workers)
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				ahead <- struct{}{}
				i := int(next.Add(1) - 1)
				if i >= len(nodes) {
					<-ahead
					return
				}
				cat, diags := r.Catalog(nodes[i])
				done[i] <- result{cat, diags}
			}
		}()
	}
	for i, node := range nodes {
		res := <-done[i]
		<-ahead
		fn(node, res.cat, res.diags)
	}
}
