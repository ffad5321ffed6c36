package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/tendhq/tend/config/repofile"
)

// DefaultPath is where the agent looks for its settings.
const DefaultPath = "/etc/tend/agent.hcl"

// Settings are the agent's defaults. A zero field means "not set": the
// flag's own default applies.
type Settings struct {
	// Source is the node repository's URL or path.
	Source string
	// Ref is the branch or tag to follow.
	Ref string
	// Signers is the allowlist: a file or a directory of files.
	Signers string
	// Node is the node to converge (default: the host name).
	Node string
	// StateDir is tend's state directory.
	StateDir string
	// Parallel is how many resources to work on at once.
	Parallel int
	// AllowRollback accepts commits older than the last applied one.
	AllowRollback bool
	// WaitForLock is how long to wait for another run to finish.
	WaitForLock time.Duration
	// MaxFileSize is the size limit of one repository file, in bytes.
	MaxFileSize int64
	// PreviewRefs are the branch name patterns (path.Match) that scheduled
	// runs preview; none previews nothing.
	PreviewRefs []string
	// PreviewFor is how long after its tip was committed a branch is
	// still previewed.
	PreviewFor time.Duration
}

// Schema is the file's one level of attributes.
var Schema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "source"}, {Name: "ref"}, {Name: "signers"}, {Name: "node"},
	{Name: "state_dir"}, {Name: "parallel"}, {Name: "allow_rollback"}, {Name: "wait_for_lock"},
	{Name: "max_file_size"}, {Name: "preview_refs"}, {Name: "preview_for"},
}}

// Load reads a settings file. A missing file is reported through
// exists=false, not as a diagnostic: the caller knows whether it had to
// be there. Files holds the parsed sources, for rendering diagnostics.
func Load(path string) (s Settings, files map[string][]byte, exists bool, diags hcl.Diagnostics) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil, false, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return Settings{}, nil, true, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read the settings", Detail: err.Error()}}
	}
	files = map[string][]byte{path: src}
	// Text nested deeper than the parser can take is refused first.
	if diags := repofile.CheckHCL(src, path); diags.HasErrors() {
		return Settings{}, files, true, diags
	}
	f, diags := hclparse.NewParser().ParseHCL(src, path)
	if diags.HasErrors() {
		return Settings{}, files, true, diags
	}
	content, diags := f.Body.Content(Schema)
	d := decoder{attrs: content.Attributes}
	d.string("source", &s.Source)
	d.string("ref", &s.Ref)
	d.string("signers", &s.Signers)
	d.string("node", &s.Node)
	d.string("state_dir", &s.StateDir)
	d.int("parallel", &s.Parallel)
	d.bool("allow_rollback", &s.AllowRollback)
	d.duration("wait_for_lock", &s.WaitForLock)
	d.size("max_file_size", &s.MaxFileSize)
	d.patterns("preview_refs", &s.PreviewRefs)
	d.duration("preview_for", &s.PreviewFor)
	return s, files, true, append(diags, d.diags...)
}

// decoder decodes attributes, collecting diagnostics.
type decoder struct {
	attrs hcl.Attributes
	diags hcl.Diagnostics
}

func (d *decoder) decode(name string, target any) bool {
	a, ok := d.attrs[name]
	if !ok {
		return false
	}
	diags := gohcl.DecodeExpression(a.Expr, nil, target)
	d.diags = append(d.diags, diags...)
	return !diags.HasErrors()
}

func (d *decoder) string(name string, v *string) { d.decode(name, v) }
func (d *decoder) bool(name string, v *bool)     { d.decode(name, v) }

func (d *decoder) int(name string, v *int) {
	if d.decode(name, v) && *v < 1 {
		d.fail(name, "Invalid value", "must be at least 1")
	}
}

func (d *decoder) duration(name string, v *time.Duration) {
	var s string
	if !d.decode(name, &s) {
		return
	}
	dur, err := time.ParseDuration(s)
	if err != nil || dur < 0 {
		d.fail(name, "Invalid duration", `a duration such as "30s" or "5m" is required`)
		return
	}
	*v = dur
}

func (d *decoder) size(name string, v *int64) {
	var s string
	if !d.decode(name, &s) {
		return
	}
	n, err := repofile.ParseSize(s)
	if err != nil {
		d.fail(name, "Invalid size", `a size such as "64MiB", "512KiB" or a number of bytes is required`)
		return
	}
	*v = n
}

// patterns decodes a list of branch name patterns, refusing one that
// path.Match cannot take or that is empty.
func (d *decoder) patterns(name string, v *[]string) {
	var ps []string
	if !d.decode(name, &ps) {
		return
	}
	elems, _ := hcl.ExprList(d.attrs[name].Expr)
	for i, p := range ps {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			r := d.attrs[name].Expr.Range()
			if i < len(elems) {
				r = elems[i].Range() // the pattern itself, when written as a list
			}
			d.diags = append(d.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid pattern",
				Detail: fmt.Sprintf(`%s: %q is not a branch name pattern such as "preview/*"`, name, p), Subject: &r})
			return
		}
	}
	*v = ps
}

func (d *decoder) fail(name, summary, detail string) {
	r := d.attrs[name].Expr.Range()
	d.diags = append(d.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: name + ": " + detail, Subject: &r})
}
