package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// tree is a directory of configuration: the node repository on disk, or
// the module library compiled into tend. Display prefixes file names in
// diagnostics so a reader can tell the two apart.
type tree struct {
	fsys    fs.FS
	display string
}

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
	b, err := fs.ReadFile(t.fsys, p)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	f.src[name] = b
	f.sums[name] = hex.EncodeToString(sum[:])
	return b, nil
}

// parse reads and parses one HCL file.
func (f *files) parse(t tree, p string) (*hcl.File, hcl.Diagnostics) {
	b, err := f.read(t, p)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read file", Detail: err.Error()}}
	}
	return f.parser.ParseHCL(b, t.name(p))
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
func hclFiles(t tree, dir string) []string {
	entries, err := fs.ReadDir(t.fsys, dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out
}

// exists reports whether p names a file or directory in t.
func (t tree) exists(p string) bool {
	_, err := fs.Stat(t.fsys, p)
	return err == nil
}
