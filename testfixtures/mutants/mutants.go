package mutants

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"sort"
	"strings"
)

// Repo is a repository held in memory: file contents by slash path.
type Repo map[string][]byte

// Load reads every regular file of fsys below dir into a Repo, with
// prefix in front of its path. Files named README.md are left out.
func Load(fsys fs.FS, dir, prefix string) (Repo, error) {
	r := Repo{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || d.Name() == "README.md" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		rel := p
		if dir != "." {
			rel = strings.TrimPrefix(p, dir+"/")
		}
		r[path.Join(prefix, rel)] = b
		return err
	})
	return r, err
}

// Mutant is one variant of the base repository.
type Mutant struct {
	N  int
	Op string // the mutations applied, joined by "+"
	// Desc says what exactly was changed, for reproducing a failure.
	Desc  []string
	files map[string][]byte
	links map[string]string // path: symlink target
	dirs  map[string]bool   // paths made directories
}

func (m *Mutant) String() string {
	return fmt.Sprintf("mutant %d (%s): %s", m.N, m.Op, strings.Join(m.Desc, "; "))
}

// Write creates the mutant's repository in dir, which must not exist.
// Everything is created through an os.Root of dir, so that nothing is
// ever written through a symlink the mutant made.
func (m *Mutant) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, p := range sortedKeys(m.dirs) {
		if err := root.MkdirAll(p, 0o755); err != nil {
			return err
		}
	}
	for _, p := range sortedKeys(m.links) {
		if err := root.MkdirAll(path.Dir(p), 0o755); err != nil {
			return err
		}
		if err := root.Symlink(m.links[p], p); err != nil {
			return err
		}
	}
	for _, p := range sortedKeys(m.files) {
		if err := root.MkdirAll(path.Dir(p), 0o755); err != nil {
			return err
		}
		if err := root.WriteFile(p, m.files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// setFile makes p a file holding b, replacing whatever was at p or
// would shadow it (a symlink or file in place of a parent directory).
func (m *Mutant) setFile(p string, b []byte) {
	m.clear(p)
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		delete(m.links, d)
		delete(m.files, d)
	}
	m.files[p] = b
}

// setLink makes p a symlink to target, replacing what was at or below p.
func (m *Mutant) setLink(p, target string) {
	m.clear(p)
	m.links[p] = target
}

// setDir makes p an empty directory, replacing what was at or below p.
func (m *Mutant) setDir(p string) {
	m.clear(p)
	m.dirs[p] = true
}

// clear removes p and everything below it.
func (m *Mutant) clear(p string) {
	below := func(k string) bool { return k == p || strings.HasPrefix(k, p+"/") }
	for k := range m.files {
		if below(k) {
			delete(m.files, k)
		}
	}
	for k := range m.links {
		if below(k) {
			delete(m.links, k)
		}
	}
	for k := range m.dirs {
		if below(k) {
			delete(m.dirs, k)
		}
	}
}

// Generator derives mutants of a base repository.
type Generator struct {
	base Repo
	// library holds module files that a mutant may copy into its
	// modules/ directory (paths already under modules/).
	library Repo
	seed    uint64
}

// New returns the generator of seed over base; library (possibly empty)
// holds module files under modules/NAME/ that mutants may add.
func New(base, library Repo, seed uint64) *Generator {
	return &Generator{base: base, library: library, seed: seed}
}

// Mutant returns mutant number n: always the same for one seed.
func (g *Generator) Mutant(n int) *Mutant {
	r := rand.New(rand.NewPCG(g.seed, uint64(n)))
	m := &Mutant{N: n, files: map[string][]byte{}, links: map[string]string{}, dirs: map[string]bool{}}
	for p, b := range g.base {
		m.files[p] = b
	}
	if len(g.library) > 0 && r.IntN(2) == 0 {
		for p, b := range g.library {
			m.files[p] = b
		}
		m.Desc = append(m.Desc, "library modules copied into modules/")
	}
	var names []string
	for i, k := 0, mutationCount(r); i < k; i++ {
		op := pick(r)
		if d := op.apply(r, m); d != "" {
			names = append(names, op.name)
			m.Desc = append(m.Desc, d)
		}
	}
	m.Op = strings.Join(names, "+")
	if m.Op == "" {
		m.Op = "none"
	}
	return m
}

// mutationCount is mostly one, sometimes two or three.
func mutationCount(r *rand.Rand) int {
	switch x := r.IntN(10); {
	case x < 7:
		return 1
	case x < 9:
		return 2
	default:
		return 3
	}
}

// file picks one of the mutant's files; "" when none is left.
func (m *Mutant) file(r *rand.Rand) string {
	names := sortedKeys(m.files)
	if len(names) == 0 {
		return ""
	}
	return names[r.IntN(len(names))]
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
