package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/tendhq/tend/config/repofile"
)

// tree is a directory of configuration: the node repository on disk, or
// the module library compiled into tend. Display prefixes file names in
// diagnostics so a reader can tell the two apart.
type tree struct {
	fsys    treeFS
	display string
}

// treeFS is what the loader reads a tree through: a *repofile.Dir for the
// repository (beneath its root, regular files only, bounded), the module
// library otherwise.
type treeFS interface {
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	Stat(name string) (fs.FileInfo, error)
}

// libraryFS is the module library compiled into tend.
type libraryFS struct{ fsys fs.FS }

func (l libraryFS) ReadFile(name string) ([]byte, error)       { return fs.ReadFile(l.fsys, name) }
func (l libraryFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(l.fsys, name) }
func (l libraryFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(l.fsys, name) }

func (t tree) name(p string) string { return t.display + p }

// files records every file a repository's loads read, for diagnostics
// excerpts and for the digest that ties a saved plan to the configuration
// it came from, and keeps each file parsed once: parsed files and
// templates are never changed afterwards, so the catalogs of several
// nodes share them, evaluated at the same time.
type files struct {
	mu        sync.Mutex
	src       Sources
	sums      map[string]string
	parsed    map[string]parsedFile
	templates map[string]parsedTemplate
	// opened summarizes the node and role files every catalog depends
	// on (their names and sums), computed once: a fleet has thousands.
	opened string
}

// parsedFile is an HCL file as parsing left it, with its diagnostics.
type parsedFile struct {
	file  *hcl.File
	diags hcl.Diagnostics
}

// parsedTemplate is a template file as parsing left it.
type parsedTemplate struct {
	expr  hclsyntax.Expression
	diags hcl.Diagnostics
}

func newFiles() *files {
	return &files{src: Sources{}, sums: map[string]string{},
		parsed: map[string]parsedFile{}, templates: map[string]parsedTemplate{}}
}

// fileUse is what one catalog reads through: the repository's files, and
// the names this catalog read, so that its digest does not depend on
// which other nodes were evaluated before or beside it.
type fileUse struct {
	*files
	// used is nil while the repository is opened.
	used map[string]bool
}

// use starts collecting the files one catalog reads.
func (f *files) use() *fileUse {
	return &fileUse{files: f, used: map[string]bool{}}
}

// read returns a file's bytes and remembers them.
func (u *fileUse) read(t tree, p string) ([]byte, error) {
	name := t.name(p)
	if u.used != nil {
		u.used[name] = true
	}
	f := u.files
	f.mu.Lock()
	b, ok := f.src[name]
	f.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := t.fsys.ReadFile(p)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if prev, ok := f.src[name]; ok {
		return prev, nil // read beside us by another catalog
	}
	sum := sha256.Sum256(b)
	f.src[name] = b
	f.sums[name] = hex.EncodeToString(sum[:])
	return b, nil
}

// parse reads and parses one HCL file. A file that cannot be read is
// reported at ref, what refers to it, or at the file itself when nothing
// does (node and role files); either way without an excerpt of the file.
func (u *fileUse) parse(t tree, p string, ref *hcl.Range) (*hcl.File, hcl.Diagnostics) {
	b, err := u.read(t, p)
	if err != nil {
		if ref == nil {
			ref = &hcl.Range{Filename: t.name(p), Start: hcl.InitialPos, End: hcl.InitialPos}
		}
		return nil, hcl.Diagnostics{errorAt(*ref, "Cannot read file", t.readError(p, err)+".")}
	}
	name := t.name(p)
	f := u.files
	f.mu.Lock()
	defer f.mu.Unlock()
	pf, ok := f.parsed[name]
	if !ok {
		pf.diags = repofile.CheckHCL(b, name)
		if !pf.diags.HasErrors() {
			pf.file, pf.diags = hclsyntax.ParseConfig(b, name, hcl.InitialPos)
		}
		f.parsed[name] = pf
	}
	return pf.file, copyDiags(pf.diags)
}

// template parses a template file read as b, once per repository.
func (u *fileUse) template(name string, b []byte) (hclsyntax.Expression, hcl.Diagnostics) {
	f := u.files
	f.mu.Lock()
	defer f.mu.Unlock()
	pt, ok := f.templates[name]
	if !ok {
		pt.diags = repofile.CheckTemplate(b, name)
		if !pt.diags.HasErrors() {
			pt.expr, pt.diags = hclsyntax.ParseTemplate(b, name, hcl.InitialPos)
		}
		f.templates[name] = pt
	}
	return pt.expr, copyDiags(pt.diags)
}

// copyDiags copies diagnostics kept for several catalogs, each of which
// may redact its own in place.
func copyDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) == 0 {
		return nil
	}
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		c := *d
		out[i] = &c
	}
	return out
}

// readError describes why p could not be read, naming it as diagnostics
// do; a refusal says where a link out of the repository points.
func (t tree) readError(p string, err error) string {
	var refused *repofile.RefusedError
	if errors.As(err, &refused) {
		return t.name(p) + " " + refused.Why
	}
	return t.name(p) + ": " + unwrapPathError(err)
}

// sealOpen records the files read so far (node and role files) as part
// of every catalog.
func (f *files) sealOpen() {
	f.opened = sumOf(f.sums, slices.Sorted(maps.Keys(f.sums)))
}

// digest summarizes the files the catalog read: the node and role files,
// then the others.
func (u *fileUse) digest() string {
	u.files.mu.Lock()
	defer u.files.mu.Unlock()
	return sumOf(u.files.sums, append([]string{u.files.opened}, slices.Sorted(maps.Keys(u.used))...))
}

// sumOf hashes each name with its file's sum.
func sumOf(sums map[string]string, names []string) string {
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%s\n", n, sums[n])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hclFiles lists the .hcl files directly in dir, sorted; a missing
// directory has none.
func hclFiles(t tree, dir string) ([]string, error) {
	entries, err := t.fsys.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// exists reports whether p names a file or directory in t. A name that
// cannot be looked at — a link out of the repository — is an error, not
// an absent file.
func (t tree) exists(p string) (bool, error) {
	_, err := t.fsys.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	return err == nil, err
}
