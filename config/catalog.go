package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
)

// Catalog is everything one node gets: its resource instances in
// declaration order and the graph that orders them.
type Catalog struct {
	Node      string
	Roles     []string
	Instances []*Instance
	// Graph numbers nodes as Instances is indexed.
	Graph *graph.Graph
	// Digest summarizes every file the catalog was built from; a saved
	// plan is refused when it no longer matches.
	Digest string
}

// Instance is one resource instance with its evaluated configuration,
// bound to its kind.
type Instance struct {
	Addr     resources.Address
	Kind     resources.Kind
	Config   *resources.Config
	Resource resources.Resource
	// Identity is what the instance manages (see resources.Kind).
	Identity string
	// Decl is where the resource block is written.
	Decl hcl.Range
	// Origins tells, per attribute, where its value came from.
	Origins map[string][]Origin
	// Notify lists the indexes of instances this one sends refresh events
	// to when it changes.
	Notify []int
	// ModuleCalls lists the module blocks leading to the instance,
	// outermost first.
	ModuleCalls []hcl.Range

	block *resBlock
}

// Find returns the instance with that address.
func (c *Catalog) Find(addr string) (*Instance, int, bool) {
	for i, inst := range c.Instances {
		if inst.Addr.String() == addr {
			return inst, i, true
		}
	}
	return nil, -1, false
}
