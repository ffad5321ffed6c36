package run

import (
	"fmt"
	"slices"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
)

// engineNodes turns a catalog into what the engine walks, and lists for
// each node the addresses it notifies.
func engineNodes(cat *config.Catalog) ([]engine.Node, [][]string) {
	nodes := make([]engine.Node, len(cat.Instances))
	notifies := make([][]string, len(cat.Instances))
	for i, inst := range cat.Instances {
		r := inst.Resource
		if r == nil {
			// Deferred and never completed (loaded without Load):
			// planned as unknown, failed by apply, never a crash.
			r = unresolved{why: "unknown: " + inst.Addr.String() + " depends on values read from the host, which were not read"}
		}
		nodes[i] = engine.Node{Addr: inst.Addr.String(), Resource: r, Notify: inst.Notify,
			Health: inst.Health, Digest: inst.ConfigDigest(),
			Declared: fmt.Sprintf("%s:%d", inst.Decl.Filename, inst.Decl.Start.Line)}
		for _, t := range inst.Notify {
			notifies[i] = append(notifies[i], cat.Instances[t].Addr.String())
		}
	}
	return nodes, notifies
}

// notifyTargets lists every resource something notifies: the resources a
// lost refresh event could have been for.
func notifyTargets(notifies [][]string) []string {
	var out []string
	for _, ts := range notifies {
		out = append(out, ts...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Redactor replaces secrets in what a run says about a resource: every
// secret of the configuration (the redactor's length floor applies),
// then the resource's own sensitive values, however short.
type Redactor struct {
	all *resources.Redactor
	own map[string]*resources.Redactor // by address, for resources with secrets
}

// NewRedactor is the redactor for the catalog's secrets.
func NewRedactor(cat *config.Catalog) Redactor {
	r := Redactor{all: resources.NewRedactor(cat.Secrets), own: map[string]*resources.Redactor{}}
	for _, inst := range cat.Instances {
		if s := inst.Secrets(); len(s) > 0 {
			r.own[inst.Addr.String()] = resources.NewResourceRedactor(s)
		}
	}
	return r
}

// result replaces secrets in every outcome of a run.
func (r Redactor) result(res *engine.Result) {
	for i := range res.Outcomes {
		r.Outcome(&res.Outcomes[i])
	}
}

// Outcome replaces secrets in everything the outcome says.
func (r Redactor) Outcome(o *engine.Outcome) {
	o.Redact(r.all)
	if own := r.own[o.Addr]; own != nil {
		o.Redact(own)
	}
}

// Text redacts what the resource at addr said.
func (r Redactor) Text(addr, s string) string {
	return r.own[addr].String(r.all.String(s))
}
