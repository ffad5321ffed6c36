package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"syscall"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
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

// files records every file a load read, for diagnostics excerpts and for
// the digest that ties a saved plan to the configuration it came from.
type files struct {
	parser *hclparse.Parser
	src    Sources
	sums   map[string]string
	// used collects the names one catalog read, so that its digest does
	// not depend on which other nodes were evaluated before it.
	used map[string]bool
	// opened are the node and role files every catalog depends on.
	opened []string
}

func newFiles() *files {
	return &files{parser: hclparse.NewParser(), src: Sources{}, sums: map[string]string{}}
}

// read returns a file's bytes and remembers them.
func (f *files) read(t tree, p string) ([]byte, error) {
	name := t.name(p)
	if f.used != nil {
		f.used[name] = true
	}
	if b, ok := f.src[name]; ok {
		return b, nil
	}
	b, err := t.fsys.ReadFile(p)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	f.src[name] = b
	f.sums[name] = hex.EncodeToString(sum[:])
	return b, nil
}

// parse reads and parses one HCL file. A file that cannot be read is
// reported at ref, what refers to it, or at the file itself when nothing
// does (node and role files); either way without an excerpt of the file.
func (f *files) parse(t tree, p string, ref *hcl.Range) (*hcl.File, hcl.Diagnostics) {
	b, err := f.read(t, p)
	if err != nil {
		if ref == nil {
			ref = &hcl.Range{Filename: t.name(p), Start: hcl.InitialPos, End: hcl.InitialPos}
		}
		return nil, hcl.Diagnostics{errorAt(*ref, "Cannot read file", t.readError(p, err)+".")}
	}
	if diags := repofile.CheckHCL(b, t.name(p)); diags.HasErrors() {
		return nil, diags
	}
	return f.parser.ParseHCL(b, t.name(p))
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
	for n := range f.sums {
		f.opened = append(f.opened, n)
	}
}

// track starts collecting the files one catalog reads.
func (f *files) track() {
	f.used = map[string]bool{}
	for _, n := range f.opened {
		f.used[n] = true
	}
}

// digest summarizes the files the current catalog read.
func (f *files) digest() string {
	names := make([]string, 0, len(f.used))
	for n := range f.used {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%s\n", n, f.sums[n])
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
