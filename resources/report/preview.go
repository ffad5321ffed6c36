package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/tendhq/tend/resources/plan"
)

// kindPreview marks a preview report (`tend agent --preview REF`): what a
// ref's tip would do on a host, where nothing was applied.
const kindPreview = "preview"

// PreviewsDir is the state directory's directory of preview reports, one
// per ref (previewFile).
const PreviewsDir = "previews"

// Preview is one preview of a ref on one host: the plan of the ref's
// verified tip, or why there is none.
type Preview struct {
	FormatVersion int `json:"format_version"`
	// Kind is always kindPreview: a reader tells a preview from a run's
	// report (and from any other JSON) by it.
	Kind string `json:"kind"`
	Ref  string `json:"ref"`
	Node string `json:"node"`
	// Host is the host name of the machine that made the preview.
	Host string `json:"host"`
	// Source is the repository, the ref's commit (ID, set once the ref
	// resolved, verified or not) and its signer (set once verified).
	Source      Source    `json:"source"`
	Root        string    `json:"root,omitempty"`
	Started     time.Time `json:"started"`
	DurationSec float64   `json:"duration_seconds"`
	// Refused says why nothing could be planned: the ref is missing, its
	// tip is unsigned or wrongly signed, or it does not validate.
	Refused string `json:"refused,omitempty"`
	// Plan is the plan, as `tend plan --json` shows it (sensitive values
	// masked the same way); nil when refused.
	Plan *plan.Plan `json:"plan,omitempty"`
	// Summary counts the plan's resources as a run's report counts them:
	// Changed would change, Failed could not be planned, Skipped were not
	// planned because a dependency failed, Unchanged have nothing to do
	// (or cannot be known before they are applied).
	Summary  Summary `json:"summary"`
	ExitCode int     `json:"exit_code"`
}

// Failed says whether the preview was refused or its plan failed.
func (p *Preview) Failed() bool {
	return p.Refused != "" || p.Summary.Failed+p.Summary.Skipped > 0
}

// SetPlan records the plan, its counts and the exit code `tend plan`
// would give it.
func (p *Preview) SetPlan(pl *plan.Plan) {
	p.Plan = pl
	var s Summary
	for _, r := range pl.Resources {
		s.Total++
		switch {
		case r.Error != "":
			s.Failed++
		case r.SkippedBy != "":
			s.Skipped++
		case r.Action == resources.Create, r.Action == resources.Update, r.Action == resources.Delete, r.Action == resources.Refresh:
			s.Changed++
		default:
			s.Unchanged++
		}
	}
	p.Summary = s
	p.ExitCode = ExitCode(pl.HasChanges(), pl.Summary.Errors > 0)
}

// SetRefused records why nothing could be planned; the exit code is
// ExitInvalid, as `tend plan`'s for a configuration it cannot plan.
func (p *Preview) SetRefused(why error) {
	p.Plan, p.Summary = nil, Summary{}
	p.Refused = bound(why.Error())
	p.ExitCode = ExitInvalid
}

// previewFile is the file name of a ref's preview report: the ref with
// every "%" written "%25" and every "/" written "%2F", and ".json"; two
// refs never share a file.
func previewFile(ref string) string {
	return strings.NewReplacer("%", "%25", "/", "%2F").Replace(ref) + ".json"
}

// WritePreview stores the preview in the state directory's previews
// directory, atomically and root-only, replacing the ref's previous one,
// and returns its path. A file where the directory belongs is moved
// aside.
func WritePreview(stateDir string, p *Preview) (string, error) {
	top, err := atomicfile.MakeDirs(stateDir, "", 0o700)
	if err != nil {
		return "", err
	}
	defer top.Close()
	if err := clearWay(top, PreviewsDir, true); err != nil {
		return "", err
	}
	dir, err := atomicfile.MakeDirs(stateDir, PreviewsDir, 0o700)
	if err != nil {
		return "", err
	}
	defer dir.Close()
	p.FormatVersion, p.Kind = FormatVersion, kindPreview
	b, err := encodePreview(p)
	if err != nil {
		return "", err
	}
	name := previewFile(p.Ref)
	if err := writeFile(dir, name, b); err != nil {
		return "", err
	}
	return filepath.Join(stateDir, PreviewsDir, name), nil
}

// encodePreview renders the preview; when it is over MaxReportSize, the
// diffs' lines are left out (their sizes stay) so every resource and the
// counts still fit.
func encodePreview(p *Preview) ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil || len(b) <= MaxReportSize || p.Plan == nil {
		return b, err
	}
	c, pl := *p, *p.Plan
	pl.Resources = make([]plan.Resource, len(p.Plan.Resources))
	for i, r := range p.Plan.Resources {
		if r.Content != nil {
			d := *r.Content
			d.Hunks, d.Note = nil, "(diff left out: the preview report was over its size limit)"
			r.Content = &d
		}
		pl.Resources[i] = r
	}
	c.Plan = &pl
	return json.MarshalIndent(&c, "", "  ")
}

// errNotPreview says a JSON file is not a preview report.
var errNotPreview = errors.New("not a tend preview report")

// ReadPreview reads a preview report. A file that does not parse, or is
// not a preview of a format this tend reads, is an error naming it.
func ReadPreview(path string) (*Preview, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Preview
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if p.Kind != kindPreview || p.FormatVersion != FormatVersion || p.Ref == "" {
		return nil, fmt.Errorf("%s: %w (kind %q, format version %d)", path, errNotPreview, resources.Bound(p.Kind, 64), p.FormatVersion)
	}
	return &p, nil
}

// RemovePreview removes the ref's preview report from the state
// directory, if there is one.
func RemovePreview(stateDir, ref string) error {
	err := os.Remove(filepath.Join(stateDir, PreviewsDir, previewFile(ref)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the preview report of %s: %w", ref, err)
	}
	return nil
}
