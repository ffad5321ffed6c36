package mutants

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/tendhq/tend/modules"
)

func generator(t *testing.T, seed uint64) *Generator {
	t.Helper()
	base, err := Load(os.DirFS("../example"), ".", "")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := Load(modules.Library, ".", "modules")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := base["nodes/emailout.hcl"]; !ok || lib["modules/postfix/main.hcl"] == nil {
		t.Fatalf("Load: base %d files, library %d files", len(base), len(lib))
	}
	return New(base, lib, seed)
}

// The same seed and number give the same mutant; another seed another.
func TestMutantsAreReproducible(t *testing.T) {
	g, again, other := generator(t, 1), generator(t, 1), generator(t, 2)
	differ := 0
	for n := range 300 {
		a, b, c := g.Mutant(n), again.Mutant(n), other.Mutant(n)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("mutant %d differs between two generators of one seed:\n%s\n%s", n, a, b)
		}
		if !reflect.DeepEqual(a, c) {
			differ++
		}
	}
	if differ < 290 {
		t.Errorf("only %d of 300 mutants differ between seeds 1 and 2", differ)
	}
}

// 1000 mutants use every mutation, and none leaves the base changed.
func TestEveryMutationIsUsed(t *testing.T) {
	g := generator(t, 1)
	before := map[string][]byte{}
	for p, b := range g.base {
		before[p] = slices.Clone(b)
	}
	used := map[string]int{}
	for n := range 1000 {
		f := Summarize([]Outcome{{Op: g.Mutant(n).Op}}, 0)
		for op := range f.Ops {
			used[op]++
		}
	}
	for _, op := range Ops() {
		if used[op] == 0 {
			t.Errorf("no mutant used %s", op)
		}
	}
	if !reflect.DeepEqual(map[string][]byte(g.base), before) {
		t.Fatal("making mutants changed the base repository")
	}
}

// Write creates symlinks but never writes through one, even where a
// mutation made a directory a link out of the repository.
func TestWriteStaysInside(t *testing.T) {
	outside := t.TempDir()
	m := &Mutant{files: map[string][]byte{}, links: map[string]string{}, dirs: map[string]bool{}}
	m.setFile("data/common.hcl", []byte("x = 1\n"))
	m.setLink("data", outside)
	m.files["data/common.hcl"] = []byte("written through the link\n") // what setFile would have refused
	dir := filepath.Join(t.TempDir(), "m")
	if err := m.Write(dir); err == nil {
		t.Fatal("Write wrote a file below a symlink to outside the repository")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("Write created %v outside the repository", entries)
	}
	m.setFile("data/common.hcl", []byte("x = 1\n"))
	if _, isLink := m.links["data"]; isLink {
		t.Fatal("setFile kept the symlink that replaced its parent directory")
	}
}
