package debian

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/agent/units"
	"github.com/tendhq/tend/docs/schema"
	"github.com/tendhq/tend/fleet"
)

//go:embed files
var files embed.FS

// DefaultMaintainer is the Maintainer field unless one is given.
const DefaultMaintainer = "tend maintainers <maintainers@tend.example>"

// Package says what to build. Binary and Version are required.
type Package struct {
	// Binary is the static tend to ship.
	Binary string
	// Version is the Debian version, e.g. 0.1.0 or 0~git20260301.abcdef.
	Version string
	// Arch is the Debian architecture ("" is amd64).
	Arch string
	// Maintainer is the control file's Maintainer ("" is a local default).
	Maintainer string
	// Date stamps the changelog and compressed files ("" is now), so that
	// two builds of one commit can be identical.
	Date time.Time
}

// entry is one file of the package tree.
type entry struct {
	path string // inside the package
	mode fs.FileMode
	data []byte
}

// Build lays the package out in a temporary directory and writes
// DIR/tend_VERSION_ARCH.deb, returning its path.
func Build(ctx context.Context, p Package, dir string) (string, error) {
	p = p.withDefaults()
	if p.Binary == "" || p.Version == "" || strings.ContainsAny(p.Version, " /_") {
		return "", fmt.Errorf("a binary and a version without spaces, slashes or underscores are required (got %q, %q)", p.Binary, p.Version)
	}
	tree, err := os.MkdirTemp(dir, ".deb-tree-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tree)
	if err := os.Chmod(tree, 0o755); err != nil { // the package's /
		return "", err
	}
	entries, err := p.entries()
	if err != nil {
		return "", err
	}
	if err := writeTree(tree, entries); err != nil {
		return "", err
	}
	if err := p.writeControl(tree, entries); err != nil {
		return "", err
	}
	out := filepath.Join(dir, fmt.Sprintf("tend_%s_%s.deb", p.Version, p.Arch))
	cmd := exec.CommandContext(ctx, "dpkg-deb", "--root-owner-group", "-Zxz", "--build", tree, out)
	cmd.Env = append(os.Environ(), fmt.Sprintf("SOURCE_DATE_EPOCH=%d", p.Date.Unix()))
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg-deb: %v: %s", err, b)
	}
	return out, nil
}

func (p Package) withDefaults() Package {
	if p.Arch == "" {
		p.Arch = "amd64"
	}
	if p.Maintainer == "" {
		p.Maintainer = DefaultMaintainer
	}
	if p.Date.IsZero() {
		p.Date = time.Now()
	}
	p.Date = p.Date.UTC().Truncate(time.Second)
	return p
}

// entries are the package's files, directories as entries without data
// and a mode with fs.ModeDir.
func (p Package) entries() ([]entry, error) {
	bin, err := os.ReadFile(p.Binary)
	if err != nil {
		return nil, err
	}
	man := ManPage(cli.Command(), p.Date)
	hcl, _ := files.ReadFile("files/agent.hcl")
	copyright, _ := files.ReadFile("files/copyright")
	overrides, _ := files.ReadFile("files/lintian-overrides")
	changelog := "usr/share/doc/tend/changelog.Debian.gz"
	if !strings.Contains(p.Version, "-") { // a native version
		changelog = "usr/share/doc/tend/changelog.gz"
	}
	o := units.Default()
	es := []entry{
		{"usr/bin/tend", 0o755, bin},
		{"lib/systemd/system/" + units.ServiceName, 0o644, []byte(units.Service(o))},
		{"lib/systemd/system/" + units.TimerName, 0o644, []byte(units.Timer(o))},
		{"etc/tend/agent.hcl", 0o644, hcl},
		{"var/lib/tend", fs.ModeDir | 0o700, nil},
		{"usr/share/man/man8/tend.8.gz", 0o644, p.gzip(man)},
		{"usr/share/doc/tend/copyright", 0o644, copyright},
		{changelog, 0o644, p.gzip([]byte(p.changelog()))},
		{"usr/share/lintian/overrides/tend", 0o644, overrides},
	}
	shared, err := sharedEntries(fleet.Files, "")
	if err != nil {
		return nil, fmt.Errorf("the fleet's Prometheus and Grafana files: %w", err)
	}
	schemas, err := sharedEntries(schema.Files, "schema")
	if err != nil {
		return nil, fmt.Errorf("the JSON Schemas: %w", err)
	}
	return append(append(es, shared...), schemas...), nil
}

// sharedEntries are the files of fsys under /usr/share/tend/DIR, at their
// paths in fsys: the fleet's alerting rules, their unit tests and the
// dashboard (fleet/) in /usr/share/tend itself, the JSON Schemas
// (docs/schema) in /usr/share/tend/schema.
func sharedEntries(fsys embed.FS, dir string) ([]entry, error) {
	var es []entry
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fsys.ReadFile(p)
		es = append(es, entry{filepath.Join("usr/share/tend", dir, p), 0o644, b})
		return err
	})
	return es, err
}

// changelog is a one-entry Debian changelog for the version built.
func (p Package) changelog() string {
	return fmt.Sprintf("tend (%s) unstable; urgency=medium\n\n  * Built from source; see CHANGELOG.md in the source for changes.\n\n -- %s  %s\n",
		p.Version, p.Maintainer, p.Date.Format(time.RFC1123Z))
}

// gzip compresses at the best level without a name or time in the
// header, as Debian policy asks.
func (p Package) gzip(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// writeTree writes entries under tree with their modes; directories on
// the way are 0755.
func writeTree(tree string, es []entry) error {
	for _, e := range es {
		path := filepath.Join(tree, e.path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if e.mode.IsDir() {
			if err := os.Mkdir(path, e.mode.Perm()); err != nil {
				return err
			}
		} else if err := os.WriteFile(path, e.data, e.mode); err != nil {
			return err
		}
		// the umask narrowed what Mkdir and WriteFile set
		if err := os.Chmod(path, e.mode.Perm()); err != nil {
			return err
		}
	}
	return nil
}

// writeControl writes DEBIAN/: control, conffiles, md5sums and the
// maintainer scripts.
func (p Package) writeControl(tree string, es []entry) error {
	size := 0
	for _, e := range es {
		size += (len(e.data) + 1023) / 1024
	}
	tmpl, _ := files.ReadFile("files/control")
	var control bytes.Buffer
	err := template.Must(template.New("control").Parse(string(tmpl))).Execute(&control, map[string]any{
		"Version": p.Version, "Arch": p.Arch, "Maintainer": p.Maintainer, "InstalledSize": size,
	})
	if err != nil {
		return err
	}
	meta := []entry{
		{"DEBIAN/control", 0o644, control.Bytes()},
		{"DEBIAN/conffiles", 0o644, []byte("/etc/tend/agent.hcl\n")},
		{"DEBIAN/md5sums", 0o644, md5sums(es)},
	}
	for _, s := range []string{"postinst", "prerm", "postrm"} {
		b, _ := files.ReadFile("files/" + s)
		meta = append(meta, entry{"DEBIAN/" + s, 0o755, b})
	}
	return writeTree(tree, meta)
}
