package config_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/testfixtures/hostile"
)

// The loader's fuzz targets replace one file of a small repository with
// the fuzzed bytes and load the result the way `tend validate` does:
// config.Open, a catalog of every node, the diagnostics rendered with
// their excerpts. Diagnostics are expected; a panic, a crash, a hang or
// a Go stack or panic in a diagnostic is a defect. `make fuzz` runs each target longer (FUZZTIME).

func FuzzNodeFile(f *testing.F) {
	seedHCL(f, `node "emailout" { roles = %s }`)
	seedFiles(f, "../testfixtures/example", "*.hcl")
	f.Fuzz(func(t *testing.T, b []byte) { loadWith(t, "../testfixtures/example", "nodes/emailout.hcl", b) })
}

func FuzzDataFile(f *testing.F) {
	seedHCL(f, "packages = %s")
	seedFiles(f, "../testfixtures/example/data", "*.hcl")
	f.Fuzz(func(t *testing.T, b []byte) { loadWith(t, "../testfixtures/example", "data/common.hcl", b) })
}

func FuzzModuleFile(f *testing.F) {
	seedHCL(f, `variable "admins" { default = %s }`)
	seedFiles(f, "../testfixtures/valid/modules/modules", "*.hcl")
	seedFiles(f, "../modules", "*.hcl")
	f.Fuzz(func(t *testing.T, b []byte) { loadWith(t, "../testfixtures/valid/modules", "modules/app/main.hcl", b) })
}

func FuzzTemplate(f *testing.F) {
	for _, b := range hostile.Template() { // seed#0 to seed#6 nest 100,000 deep
		f.Add(b)
	}
	seedFiles(f, "../testfixtures/valid", "*.tpl")
	seedFiles(f, "../modules", "*.tpl")
	f.Fuzz(func(t *testing.T, b []byte) {
		loadWith(t, "../testfixtures/valid/modules", "modules/app/templates/app.conf.tpl", b)
	})
}

// seedFiles adds every file matching pattern under dir to the corpus.
func seedFiles(f *testing.F, dir, pattern string) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if ok, _ := filepath.Match(pattern, d.Name()); err != nil || !ok {
			return err
		}
		b, err := os.ReadFile(p)
		f.Add(b)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

// seedHCL adds hostile HCL to the corpus (seed#0 to seed#27 nest
// 100,000 deep), expressions in the position of the %s of form.
func seedHCL(f *testing.F, form string) {
	for _, b := range hostile.HCL(form) {
		f.Add(b)
	}
}

// repos caches the files of the repositories the targets start from.
var repos sync.Map // dir: map[string][]byte

func repoFiles(t *testing.T, dir string) map[string][]byte {
	if m, ok := repos.Load(dir); ok {
		return m.(map[string][]byte)
	}
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	repos.Store(dir, m)
	return m
}

var builtin = sync.OnceValue(providers.Builtin)

// loadWith copies the repository at seed into a temporary directory with
// file replaced by b, and loads every node of it.
func loadWith(t *testing.T, seed, file string, b []byte) {
	dir := t.TempDir()
	for rel, content := range repoFiles(t, seed) {
		if rel == file {
			content = b
		}
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo, diags := config.Open(config.Options{Repo: dir, Library: modules.Library, Registry: builtin()})
	for _, n := range repo.Nodes() {
		_, d := repo.Catalog(n)
		diags = append(diags, d...)
	}
	var out strings.Builder
	config.WriteDiagnostics(&out, diags, repo.Sources())
	for _, crash := range []string{"goroutine ", "panic:", "panic in function"} {
		if i := strings.Index(out.String(), crash); i >= 0 {
			t.Fatalf("%q in the diagnostics: %s", crash, out.String()[max(0, i-300):min(out.Len(), i+300)])
		}
	}
}
