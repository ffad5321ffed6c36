package debian

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tendhq/tend/resources"
)

// archivesDir is where apt keeps the archives it downloaded, under the
// root.
const archivesDir = "/var/cache/apt/archives"

var _ resources.PathCreator = (*pkg)(nil)

// CreatesPath says whether installing the package, with what apt would
// install along with it, creates need: known from the file lists of
// their archives when apt has downloaded them already (dpkg-deb -c, no
// maintainer script runs), otherwise it may (a package can ship any
// directory). Removals create nothing.
func (p *pkg) CreatesPath(ctx context.Context, planned resources.Change, need resources.PathNeed) (resources.Provision, string) {
	if planned.Action != resources.Create && planned.Action != resources.Update {
		return resources.NotCreated, ""
	}
	snap, err := p.sys.current(ctx)
	if err != nil {
		return resources.MayCreate, "its file list is not known: " + err.Error()
	}
	sim, err := p.sys.simulation(ctx)
	if err != nil {
		return resources.MayCreate, "its file list is not known: " + err.Error()
	}
	if _, ok := sim.unknown[p.addr]; ok {
		return resources.MayCreate, "apt's lists do not know " + p.wanted() + " yet, so neither its files"
	}
	return provision(p.name, p.sys.listsOf(ctx, p.sys.archivesOf(sim, snap.native, p)), need)
}

// provision decides from the file lists of the archives a package's
// installation unpacks (nil where not downloaded): a path one of them
// ships is created; else one whose maintainer scripts run may create it
// (postfix's creates /etc/aliases), as may one whose list is not known.
func provision(name string, lists map[archive]*debFiles, need resources.PathNeed) (resources.Provision, string) {
	var unlisted, scripted []string
	for _, a := range slices.SortedFunc(maps.Keys(lists), func(x, y archive) int { return strings.Compare(x.name, y.name) }) {
		switch l := lists[a]; {
		case l == nil:
			unlisted = append(unlisted, a.name)
		case l.has(need):
			return resources.Creates, filepath.Base(a.deb) + " ships it"
		case l.scripts:
			scripted = append(scripted, a.name)
		}
	}
	switch {
	case len(unlisted) == 1:
		return resources.MayCreate, fmt.Sprintf("the file list of %s is known once it is downloaded: apt-get install --download-only %s", unlisted[0], name)
	case len(unlisted) > 1:
		return resources.MayCreate, fmt.Sprintf("the file lists of %s are known once they are downloaded: apt-get install --download-only %s",
			strings.Join(unlisted, ", "), name)
	case len(scripted) > 0:
		return resources.MayCreate, fmt.Sprintf("no archive ships it, but the maintainer scripts of %s may create it", strings.Join(scripted, ", "))
	}
	return resources.NotCreated, ""
}

// listsOf reads the file lists of archives; nil for one that is not
// downloaded or cannot be read.
func (s *system) listsOf(ctx context.Context, archives []archive) map[archive]*debFiles {
	lists := make(map[archive]*debFiles, len(archives))
	for _, a := range archives {
		l, err := s.fileList(ctx, a)
		if err != nil {
			l = nil
		}
		lists[a] = l
	}
	return lists
}

// archive is one package apt would install: its name and version, and
// the archive in the root's apt cache ("" when not downloaded yet).
type archive struct {
	name, version, deb string
}

// archivesOf lists the packages the run's apt transaction installs for p:
// p itself and what apt pulls in because of it.
func (s *system) archivesOf(sim *simulation, native string, p *pkg) []archive {
	self := bare(p.name, native)
	var out []archive
	for _, c := range sim.plan.installs {
		if c.name == self || sim.rootOf(c.name) == self {
			out = append(out, archive{name: c.name, version: c.new, deb: s.findArchive(c.name, c.new)})
		}
	}
	return out
}

// findArchive is the downloaded archive of name at version under the
// root's apt cache, named as apt names it (an epoch's colon as %3a), or "".
func (s *system) findArchive(name, version string) string {
	pattern := filepath.Join(s.root, archivesDir, name+"_"+strings.ReplaceAll(version, ":", "%3a")+"_*.deb")
	matches, _ := filepath.Glob(pattern)
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() {
			return m
		}
	}
	return ""
}

// fileList is what an archive ships, read once per run.
func (s *system) fileList(ctx context.Context, a archive) (*debFiles, error) {
	if a.deb == "" {
		return nil, fmt.Errorf("%s %s is not downloaded", a.name, a.version)
	}
	s.listsMu.Lock()
	defer s.listsMu.Unlock()
	if l, ok := s.lists[a.deb]; ok {
		return l, nil
	}
	res, err := run(ctx, "/", command{argv: []string{"dpkg-deb", "--contents", a.deb}})
	if err == nil && res.code != 0 {
		err = fmt.Errorf("dpkg-deb --contents %s exited %d: %s", filepath.Base(a.deb), res.code, res.text())
	}
	if err != nil {
		return nil, err
	}
	l := parseContents(res.stdout)
	info, err := run(ctx, "/", command{argv: []string{"dpkg-deb", "--info", a.deb}})
	if err == nil && info.code != 0 {
		err = fmt.Errorf("dpkg-deb --info %s exited %d: %s", filepath.Base(a.deb), info.code, info.text())
	}
	if err != nil {
		return nil, err
	}
	l.scripts = scriptsRE.MatchString(info.stdout)
	if s.lists == nil {
		s.lists = map[string]*debFiles{}
	}
	s.lists[a.deb] = l
	return l, nil
}

// debFiles are the paths an archive ships: its directories (those it
// lists and every parent of what it lists) and its other entries.
type debFiles struct {
	dirs, files map[string]bool
	// scripts is set when the archive has a preinst or postinst, which
	// may create any path.
	scripts bool
}

// scriptsRE finds a preinst or postinst in dpkg-deb --info's list of
// control files ("  1234 bytes,    40 lines   *  postinst   #!/bin/sh").
var scriptsRE = regexp.MustCompile(`(?m)^\s+\d+ bytes,\s+\d+ lines\s+\*?\s+(?:pre|post)inst\s`)

func (l *debFiles) has(need resources.PathNeed) bool {
	if need.Dir {
		return l.dirs[need.Path]
	}
	return l.files[need.Path]
}

// contentsRE reads one line of dpkg-deb --contents (tar's verbose
// listing): "drwxr-xr-x root/root 0 2021-02-21 09:29 ./usr/share/doc/",
// a symbolic link's "./a -> b", a hard link's "./a link to ./b".
var contentsRE = regexp.MustCompile(`^(\S)\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(/.*?)(?: -> .*| link to .*)?$`)

// parseContents reads dpkg-deb --contents output.
func parseContents(out string) *debFiles {
	l := &debFiles{dirs: map[string]bool{}, files: map[string]bool{}}
	for line := range strings.Lines(out) {
		m := contentsRE.FindStringSubmatch(strings.TrimRight(line, "\n"))
		if m == nil {
			continue
		}
		p := filepath.Clean(m[2])
		if p == "/" {
			continue
		}
		if m[1] == "d" {
			l.dirs[p] = true
		} else {
			l.files[p] = true
		}
		for d := filepath.Dir(p); d != "/"; d = filepath.Dir(d) {
			l.dirs[d] = true
		}
	}
	return l
}
