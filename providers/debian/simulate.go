package debian

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// simulation is what apt-get -s said about one run's changes.
type simulation struct {
	key string
	// unknown holds, by address, the packages apt's lists do not know (at
	// the wanted version), with apt's words.
	unknown map[string]string
	// refused holds, by address, the packages apt cannot install or
	// remove, with why.
	refused map[string]string
	plan    aptPlan
	// targets are the packages of the simulated transaction.
	targets map[string]bool
	// removals is set when the transaction removes packages: packages
	// apt removes unasked are then put down to them.
	removals bool
}

// simulateArgs is apt-get in simulation mode: it takes no lock, writes no
// cache file and no planner log, and reports why it picks each
// dependency.
func simulateArgs(ops []op) []string {
	argv := []string{"apt-get", "-s", "-q",
		"-o", "Debug::NoLocking=1",
		"-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=", "-o", "Dir::Log::Planner=",
		"-o", "Debug::pkgDepCache::AutoInstall=1"}
	argv = append(argv, transactionOptions(ops)...)
	argv = append(argv, "install")
	for _, o := range ops {
		argv = append(argv, o.arg())
	}
	return argv
}

// transactionOptions are the options the simulation and the real
// transaction share.
func transactionOptions(ops []op) []string {
	rec, downgrade := false, false
	for _, o := range ops {
		rec = rec || !o.remove && o.p.recommends
		downgrade = downgrade || o.p.version != ""
	}
	opts := []string{"--no-install-recommends"}
	if rec {
		opts[0] = "--install-recommends"
	}
	if downgrade {
		opts = append(opts, "--allow-downgrades")
	}
	return opts
}

// simulate asks apt what installing and removing ops would do. Packages
// apt rejects by name (unknown, unmet dependencies) are set aside and the
// rest simulated again, since the real transaction goes the same way.
// When apt fails without naming a package, each is simulated alone to
// find the ones that cannot be done; if each alone can, they cannot be
// done together and all are refused.
func simulate(ctx context.Context, root, native string, ops []op) (*simulation, error) {
	sim := &simulation{unknown: map[string]string{}, refused: map[string]string{}, targets: map[string]bool{}}
	for len(ops) > 0 {
		res, err := run(ctx, root, command{argv: simulateArgs(ops), chroot: true})
		if err != nil {
			return nil, err
		}
		if res.code == 0 {
			sim.plan = parseSimulation(res.stdout, res.stderr, native)
			for _, o := range ops {
				sim.targets[bare(o.p.name, native)] = true
				sim.removals = sim.removals || o.remove
			}
			return sim, nil
		}
		rest := sim.setAside(ops, res, native)
		if len(rest) == len(ops) && len(ops) > 1 {
			if rest, err = sim.isolate(ctx, root, native, ops); err != nil {
				return nil, err
			}
		}
		if len(rest) == len(ops) {
			why := fmt.Sprintf("apt-get cannot do %s together (exit %d):\n%s",
				strings.Join(argsOf(ops), " "), res.code, errorLines(res.stdout+res.stderr))
			for _, o := range ops {
				sim.refused[o.p.addr] = why
			}
			return sim, nil
		}
		ops = rest
	}
	return sim, nil
}

// isolate simulates each op alone, sets aside those that fail, and
// returns the others.
func (sim *simulation) isolate(ctx context.Context, root, native string, ops []op) ([]op, error) {
	var rest []op
	for _, o := range ops {
		res, err := run(ctx, root, command{argv: simulateArgs([]op{o}), chroot: true})
		if err != nil {
			return nil, err
		}
		if res.code == 0 {
			rest = append(rest, o)
			continue
		}
		if len(sim.setAside([]op{o}, res, native)) == 1 {
			sim.refused[o.p.addr] = fmt.Sprintf("apt-get exited %d:\n%s", res.code, errorLines(res.stdout+res.stderr))
		}
	}
	return rest, nil
}

// setAside records the ops apt rejected by name and returns the others.
func (sim *simulation) setAside(ops []op, res result, native string) []op {
	unknown, unmet := rejected(res.stdout, res.stderr)
	why := errorLines(res.stdout + res.stderr)
	var rest []op
	for _, o := range ops {
		switch {
		case matches(o, unknown, native):
			sim.unknown[o.p.addr] = why
		case matches(o, unmet, native):
			sim.refused[o.p.addr] = why
		default:
			rest = append(rest, o)
		}
	}
	return rest
}

// matches reports whether apt named the op's package in names.
func matches(o op, names []string, native string) bool {
	for _, n := range names {
		n = strings.TrimSuffix(n, "-")
		if n == o.p.name || n == o.arg() || bare(n, native) == bare(o.p.name, native) {
			return true
		}
	}
	return false
}

func argsOf(ops []op) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.arg()
	}
	return out
}

// detail is what the simulation says about one package.
type detail struct {
	version      string   // the version apt would install
	dependencies []string // packages installed because of it, "name (version)"
	dependents   []string // packages removed along with removals, "name (version)"
	others       []string // changes apt makes that no package of the run explains
}

// about tells what the simulation says about p: what apt would install
// for it, and what else would change with it.
func (sim *simulation) about(p *pkg, native string) detail {
	var d detail
	self := bare(p.name, native)
	for _, c := range sim.plan.installs {
		switch root := sim.rootOf(c.name); {
		case c.name == self:
			d.version = c.new
		case sim.targets[c.name]:
		case root == self:
			d.dependencies = append(d.dependencies, describe(c))
		case root == "":
			d.others = append(d.others, "install "+describe(c))
		}
	}
	for _, c := range sim.plan.removes {
		if sim.targets[c.name] {
			continue
		}
		switch {
		case p.absent:
			d.dependents = append(d.dependents, describe(c))
		case !sim.removals:
			d.others = append(d.others, "remove "+describe(c))
		}
	}
	slices.Sort(d.dependencies)
	return d
}

// rootOf follows apt's "installed as a dependency of" chain from name up
// to a package of the run, or returns "".
func (sim *simulation) rootOf(name string) string {
	for range len(sim.plan.pulledBy) + 1 {
		parent, ok := sim.plan.pulledBy[name]
		if !ok {
			return ""
		}
		if sim.targets[parent] {
			return parent
		}
		name = parent
	}
	return ""
}

func describe(c change) string {
	switch {
	case c.new != "" && c.old != "":
		return fmt.Sprintf("%s (%s -> %s)", c.name, c.old, c.new)
	case c.new != "":
		return fmt.Sprintf("%s (%s)", c.name, c.new)
	case c.old != "":
		return fmt.Sprintf("%s (%s)", c.name, c.old)
	}
	return c.name
}
