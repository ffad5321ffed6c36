package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
	"github.com/tendhq/tend/resources/health"
	"github.com/zclconf/go-cty/cty"
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
	// Computed holds the computed attribute values the evaluation used,
	// as "ADDRESS.ATTR" => value read from the host.
	Computed map[string]string
	// Secrets are the sensitive texts the configuration holds (values of
	// sensitive(), decrypt(), sensitive variables and attributes), for
	// resources.NewRedactor. They must never be printed.
	Secrets []string
}

// Instance is one resource instance with its evaluated configuration,
// bound to its kind.
type Instance struct {
	Addr     resources.Address
	Kind     resources.Kind
	Config   *resources.Config
	Resource resources.Resource
	// Identities are what the instance manages (see resources.Kind).
	Identities []resources.ID
	// Decl is where the resource block is written.
	Decl hcl.Range
	// Origins tells, per attribute, where its value came from.
	Origins map[string][]Origin
	// Notify lists the indexes of instances this one sends refresh events
	// to when it changes.
	Notify []int
	// Health lists the checks the engine runs after the instance's
	// refresh (the health argument).
	Health []health.Check
	// ModuleCalls lists the module blocks leading to the instance,
	// outermost first.
	ModuleCalls []hcl.Range
	// Deferred is set when the configuration depends on a computed
	// attribute not read yet: the instance is not bound (Resource is nil)
	// until the catalog is built again with what the host showed (see
	// Repo.CatalogObserved).
	Deferred bool
	// Undecryptable says, for a deferred instance, which attribute holds
	// an encrypted value this host cannot decrypt, and why.
	Undecryptable string

	block *resBlock
	// refs holds the attribute values references see where they are not
	// Config.Values: computed ones, and marked ones (Values are plain).
	refs map[string]cty.Value
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

// Deferred lists the instances waiting for computed attributes.
func (c *Catalog) Deferred() []*Instance {
	var out []*Instance
	for _, inst := range c.Instances {
		if inst.Deferred {
			out = append(out, inst)
		}
	}
	return out
}

// Producers lists the bound instances whose kinds have computed
// attributes: reading them tells the deferred instances their values.
func (c *Catalog) Producers() []*Instance {
	var out []*Instance
	for _, inst := range c.Instances {
		if inst.Deferred {
			continue
		}
		for _, a := range inst.Kind.Schema().Attrs {
			if a.Computed {
				out = append(out, inst)
				break
			}
		}
	}
	return out
}
