package debian

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tendhq/tend/resources"
)

// pkg is one configured package. The engine calls it from one goroutine
// at a time; what it shares with the other packages of its root is in
// sys, behind sys's lock.
type pkg struct {
	spec
	sys *system
	// stateDir holds the record of APT sources changed since the lists
	// were refreshed (see staleListsFile).
	stateDir string
	output   string
}

// pkgIntent is what a package's Plan decides for its Apply.
type pkgIntent struct {
	// refresh says the transaction runs apt-get update first: apt's
	// lists do not know the package (at the wanted version), or an APT
	// source changed since they were refreshed.
	refresh bool
}

var (
	_ resources.Batcher   = (*pkg)(nil)
	_ resources.Outputter = (*pkg)(nil)
)

// Read observes the package in the run's one dpkg query. A package an
// interrupted dpkg run left half done is an error that says how to repair
// it: tend does not guess.
func (p *pkg) Read(ctx context.Context) (resources.State, error) {
	snap, err := p.sys.current(ctx)
	if err != nil {
		return nil, err
	}
	e, _ := snap.lookup(p.name)
	if t := e.trouble(); t != "" {
		return nil, fmt.Errorf("package %s %s", p.name, inRoot(t, p.sys.root))
	}
	st := resources.State{"status": e.status}
	if !e.absent() {
		st["version"] = e.version
	}
	return st, nil
}

// needsChange says whether a package in state e must change, and whether
// by removal.
func (p *pkg) needsChange(e entry) (change, remove bool) {
	switch {
	case p.absent:
		return !e.absent(), true
	case !e.installed():
		return true, false
	}
	return p.version != "" && !sameVersion(p.version, e.version), false
}

// Plan says what the run's apt transaction would do for this package,
// from apt's own simulation of it.
func (p *pkg) Plan(ctx context.Context, observed resources.State) (resources.Change, error) {
	e := entry{name: p.name, status: observed["status"], version: observed["version"]}
	change, remove := p.needsChange(e)
	if !change {
		if e.absent() {
			return resources.Change{Action: resources.NoOp, Reason: "not installed"}, nil
		}
		return resources.Change{Action: resources.NoOp, Reason: "installed (" + e.version + ")"}, nil
	}
	c := p.draft(e, remove)
	snap, err := p.sys.current(ctx)
	if err != nil {
		return c, err
	}
	if why := snap.interrupted(p.sys.root); why != "" {
		return c, fmt.Errorf("package %s cannot be changed: %s", p.name, why)
	}
	sim, err := p.sys.simulation(ctx)
	if err != nil {
		return c, err
	}
	if why, ok := sim.refused[p.addr]; ok {
		return c, fmt.Errorf("apt cannot %s %s:\n%s", verb(remove), p.name, why)
	}
	stale, err := staleSources(p.stateDir)
	if err != nil {
		return c, err
	}
	if _, ok := sim.unknown[p.addr]; ok {
		c.Reason += "; the package lists do not know " + p.wanted() + ": apt-get update will run first"
		return resources.WithIntent(c, pkgIntent{refresh: true}), nil
	}
	p.explain(&c, sim.about(p, snap.native), e)
	if len(stale) > 0 {
		c.Reason += "; APT sources changed since the package lists were refreshed (" + strings.Join(stale, ", ") + "): apt-get update will run first"
	}
	return resources.WithIntent(c, pkgIntent{refresh: len(stale) > 0}), nil
}

// draft is the change before apt's simulation adds to it.
func (p *pkg) draft(e entry, remove bool) resources.Change {
	switch {
	case remove:
		return resources.Change{Action: resources.Delete, Reason: "installed, configured absent"}
	case e.installed():
		return resources.Change{Action: resources.Update,
			Reason: fmt.Sprintf("installed version %s is not %s", e.version, p.version),
			Attrs:  p.answerAttrs()}
	case e.state() == "config-files":
		return resources.Change{Action: resources.Create, Reason: "removed, its configuration files remain", Attrs: p.answerAttrs(), MayCreateAccounts: true}
	}
	// Maintainer scripts create the system accounts a package needs
	// (postfix, opendkim): files owned by them may depend on the package.
	return resources.Change{Action: resources.Create, Reason: "not installed", Attrs: p.answerAttrs(), MayCreateAccounts: true}
}

// explain adds what apt would install and remove along with the package.
func (p *pkg) explain(c *resources.Change, d detail, e entry) {
	var attrs []resources.AttrChange
	switch c.Action {
	case resources.Update:
		attrs = append(attrs, resources.NewAttrChange("version", e.version, d.version, false))
	case resources.Create:
		attrs = append(attrs, resources.NewAttrChange("version", "", d.version, false))
	case resources.Delete:
		attrs = append(attrs, resources.NewAttrChange("version", e.version, "", false))
	}
	if len(d.dependencies) > 0 {
		attrs = append(attrs, resources.NewAttrChange("dependencies", "", strings.Join(d.dependencies, ", "), false))
	}
	if len(d.dependents) > 0 {
		attrs = append(attrs, resources.NewAttrChange("dependents", strings.Join(d.dependents, ", "), "", false))
	}
	if len(d.others) > 0 {
		attrs = append(attrs, resources.NewAttrChange("transaction_also", "", strings.Join(d.others, ", "), false))
	}
	c.Attrs = append(attrs, c.Attrs...)
	if n := len(d.dependencies); n > 0 {
		c.Reason += fmt.Sprintf("; apt would also install %d %s", n, plural(n, "dependency", "dependencies"))
	}
	if n := len(d.dependents); n > 0 {
		c.Reason += fmt.Sprintf("; apt would also remove %d %s that %s on it", n,
			plural(n, "package", "packages"), plural(n, "depends", "depend"))
	}
}

// answerAttrs shows the debconf answers the transaction preseeds.
func (p *pkg) answerAttrs() []resources.AttrChange {
	var out []resources.AttrChange
	for _, a := range p.answers {
		out = append(out, resources.NewAttrChange(fmt.Sprintf("debconf[%q]", a.question), "", a.typ+" "+a.value, a.secret))
	}
	return out
}

// wanted names the package as apt is asked for it.
func (p *pkg) wanted() string {
	if p.version != "" {
		return p.name + " " + p.version
	}
	return p.name
}

// Apply makes the change in a transaction of its own.
func (p *pkg) Apply(ctx context.Context, c resources.Change) error {
	return p.ApplyBatch(ctx, []resources.BatchItem{{Resource: p, Change: c}})[0]
}

// Verify asks dpkg afresh, for this package alone.
func (p *pkg) Verify(ctx context.Context) error {
	e, err := p.lookupFresh(ctx)
	if err != nil {
		return err
	}
	if t := e.trouble(); t != "" {
		return fmt.Errorf("package %s %s", p.name, inRoot(t, p.sys.root))
	}
	if change, _ := p.needsChange(e); change {
		if e.absent() {
			return fmt.Errorf("package %s is not installed (dpkg status %q)", p.name, e.status)
		}
		return fmt.Errorf("package %s is at version %s (dpkg status %q)", p.name, e.version, e.status)
	}
	return nil
}

// lookupFresh queries dpkg for the package, bypassing the run's snapshot;
// dpkg's own entry tells the native architecture.
func (p *pkg) lookupFresh(ctx context.Context) (entry, error) {
	base, _, _ := strings.Cut(p.name, ":")
	entries, err := query(ctx, p.sys.root, []string{"dpkg", base})
	if err != nil {
		return entry{}, err
	}
	snap := &snapshot{byName: map[string][]entry{}}
	for _, e := range entries {
		snap.byName[e.name] = append(snap.byName[e.name], e)
		if e.name == "dpkg" {
			snap.native = e.arch
		}
	}
	e, _ := snap.lookup(p.name)
	return e, nil
}

// Output is the apt transaction's output, or where to find it.
func (p *pkg) Output() string { return p.output }

// BatchKey puts every package change of one root in one transaction.
func (p *pkg) BatchKey() string { return "apt:" + p.sys.root }

func verb(remove bool) string {
	if remove {
		return "remove"
	}
	return "install"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// inRoot rewrites a repair command for a root that is not the host's.
func inRoot(msg, root string) string {
	if isHostRoot(root) {
		return msg
	}
	return strings.NewReplacer("run `", "run `chroot "+root+" ").Replace(msg)
}

var errNotPackage = errors.New("not a package resource of this root")
