package preview

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tendhq/tend/resources/report"
)

// Fleet is every preview report found under a directory.
type Fleet struct {
	// Hosts are sorted by host name, each host's previews by ref.
	Hosts []Host
	// Skipped are the JSON files that are not preview reports (damaged,
	// or some other JSON), with why.
	Skipped []Skipped
}

// Host is the previews made on one host.
type Host struct {
	Name     string
	Previews []Found
}

// Found is a preview report and where it was read.
type Found struct {
	Path string
	*report.Preview
}

// Skipped is a file left out, and why.
type Skipped struct {
	Path string
	Err  error
}

// Failed says whether any preview was refused or its plan failed.
func (f *Fleet) Failed() bool {
	for _, h := range f.Hosts {
		for _, p := range h.Previews {
			if p.Failed() {
				return true
			}
		}
	}
	return false
}

// Collect reads every *.json file under dir, at any depth (symlinks are
// not followed). Only an unreadable dir is an error; a file that cannot
// be read as a preview report is listed in Skipped.
func Collect(dir string) (*Fleet, error) {
	byHost := map[string][]Found{}
	f := &Fleet{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil && path == dir:
			return err
		case err != nil:
			f.Skipped = append(f.Skipped, Skipped{Path: path, Err: err})
			return nil
		case !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".json") || strings.HasPrefix(d.Name(), "."):
			return nil
		}
		p, err := report.ReadPreview(path)
		if err != nil {
			f.Skipped = append(f.Skipped, Skipped{Path: path, Err: err})
			return nil
		}
		byHost[p.Host] = append(byHost[p.Host], Found{Path: path, Preview: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, ps := range byHost {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Ref < ps[j].Ref })
		f.Hosts = append(f.Hosts, Host{Name: name, Previews: ps})
	}
	sort.Slice(f.Hosts, func(i, j int) bool { return f.Hosts[i].Name < f.Hosts[j].Name })
	return f, nil
}
