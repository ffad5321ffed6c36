package debian

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// system is what the package resources of one root share during a run:
// one dpkg query for all of them, one apt simulation for all their
// changes. Both are kept while the dpkg database and apt's lists are
// unchanged, and dropped after every transaction.
type system struct {
	root string // "/" or a cleaned directory

	mu sync.Mutex
	// members are the bound packages in the order they were bound; an
	// address bound again replaces its earlier package.
	members []*pkg
	snap    *snapshot
	sim     *simulation

	// lists are the file lists of the archives read this run, by path.
	listsMu sync.Mutex
	lists   map[string]*debFiles
}

func (s *system) add(p *pkg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range s.members {
		if m.addr == p.addr {
			s.members[i] = p
			return
		}
	}
	s.members = append(s.members, p)
}

// current returns what dpkg says about every package, querying it only
// when the database changed since the last query.
func (s *system) current(ctx context.Context) (*snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.currentLocked(ctx)
}

func (s *system) currentLocked(ctx context.Context) (*snapshot, error) {
	key, err := readKey(s.root)
	if err != nil {
		return nil, err
	}
	if s.snap != nil && s.snap.key == key {
		return s.snap, nil
	}
	snap, err := takeSnapshot(ctx, s.root)
	if err != nil {
		return nil, err
	}
	s.snap, s.sim = snap, nil
	return snap, nil
}

// invalidate forgets everything learned: a transaction ran.
func (s *system) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap, s.sim = nil, nil
}

// op is one package of a transaction and what happens to it.
type op struct {
	p      *pkg
	remove bool
	// refresh is the package's plan asking for apt-get update first.
	refresh bool
}

// arg is how apt-get install is told about the op: "name",
// "name=version", or "name-" to remove.
func (o op) arg() string {
	switch {
	case o.remove:
		return o.p.name + "-"
	case o.p.version != "":
		return o.p.name + "=" + o.p.version
	}
	return o.p.name
}

// pending lists the ops every member needs according to snap, in the
// order the members were bound. Members dpkg reports in trouble are left
// out: their Read fails.
func (s *system) pending(snap *snapshot) []op {
	var ops []op
	for _, p := range s.members {
		e, _ := snap.lookup(p.name)
		if e.trouble() != "" {
			continue
		}
		if want, remove := p.needsChange(e); want {
			ops = append(ops, op{p: p, remove: remove})
		}
	}
	return ops
}

// simulation returns apt's simulation of every pending change, running it
// only when the pending changes, the database or the lists moved.
func (s *system) simulation(ctx context.Context) (*simulation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := s.currentLocked(ctx)
	if err != nil {
		return nil, err
	}
	ops := s.pending(snap)
	args := make([]string, len(ops))
	for i, o := range ops {
		args[i] = o.arg()
	}
	key := listsStamp(s.root) + "\x00" + strings.Join(args, "\x00")
	if s.sim != nil && s.sim.key == key {
		return s.sim, nil
	}
	sim, err := simulate(ctx, s.root, snap.native, ops)
	if err != nil {
		return nil, err
	}
	sim.key = key
	s.sim = sim
	return sim, nil
}

// listsStamp changes whenever apt-get update replaced a package list.
func listsStamp(root string) string {
	var st syscall.Stat_t
	dir := filepath.Join(root, "var/lib/apt/lists")
	if err := syscall.Stat(dir, &st); err != nil {
		return "none"
	}
	return strings.Join([]string{
		strconv.FormatUint(st.Ino, 10), strconv.FormatInt(st.Mtim.Sec, 10), strconv.FormatInt(st.Mtim.Nsec, 10),
	}, ".")
}
