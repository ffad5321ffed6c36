package motd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/zclconf/go-cty/cty"
)

// KindName is the name configurations use.
const KindName = "motd_line"

// Schema describes motd_line's attributes.
var Schema = resources.Schema{
	Kind: KindName,
	Doc:  "A line that must be present in, or absent from, a text file (the message of the day unless path says otherwise).",
	Attrs: []resources.AttrSchema{
		{Name: "line", Type: cty.String, Required: true,
			Doc: "The line's exact text, without a newline."},
		{Name: "path", Type: cty.String, Default: cty.StringVal(defaultPath),
			Doc: "Absolute path of the file, resolved under the run's root. Its directory must exist."},
		{Name: "ensure", Type: cty.String, Default: cty.StringVal("present"),
			Doc: `"present" (the default) adds the line at the end when no line equals it; "absent" removes every line that equals it.`},
		{Name: "crash", Type: cty.String,
			Doc: `For tend's own tests only: "panic", "exit" or "hang" during Apply; "flood" fails with a 50 MB error; "setsid" leaves a process holding the provider's pipes (its pid in PATH.pid). Honoured only when TEND_TEST_FAULTS=1 is in the environment; an error otherwise.`},
	},
}

// Kind returns the motd_line kind.
func Kind() resources.Kind { return kind{} }

type kind struct{}

func (kind) Schema() resources.Schema { return Schema }

// Identities is the file and the line: two resources may manage two
// lines of one file, not one line twice.
func (kind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.KindID(KindName, fmt.Sprintf("%s:%q", filepath.Clean(cfg.String("path", "")), cfg.String("line", "")))}
}

// Order puts the line after the file's directory, so a managed
// directory comes first.
func (kind) Order(cfg *resources.Config) []resources.Order {
	return []resources.Order{resources.After(resources.FileID(filepath.Dir(filepath.Clean(cfg.String("path", "")))))}
}

const defaultPath = "/etc/motd"

func (kind) New(cfg *resources.Config) (resources.Resource, error) {
	l := &line{
		text:      cfg.String("line", ""),
		path:      cfg.String("path", ""),
		present:   true,
		sensitive: cfg.Sensitive["line"],
	}
	if l.text == "" || strings.ContainsAny(l.text, "\n\r") {
		return nil, resources.AttrErrorf("line", "line must be one non-empty line of text")
	}
	if !filepath.IsAbs(l.path) {
		return nil, resources.AttrErrorf("path", "path must be absolute")
	}
	switch e := cfg.String("ensure", ""); e {
	case "present":
	case "absent":
		l.present = false
	default:
		return nil, resources.AttrErrorf("ensure", `ensure must be "present" or "absent", not %q`, e)
	}
	var err error
	if l.crash, err = crashMode(cfg); err != nil {
		return nil, err
	}
	l.full = cfg.Env.Path(l.path)
	return l, nil
}

// line is one configured motd_line.
type line struct {
	text, path, full string
	present          bool
	sensitive        bool
	crash            string
}

// Read tells whether the file exists and holds the line.
func (l *line) Read(ctx context.Context) (resources.State, error) {
	data, err := os.ReadFile(l.full)
	if os.IsNotExist(err) {
		return resources.State{"file": "absent", "line": "absent"}, nil
	}
	if err != nil {
		return nil, err
	}
	st := resources.State{"file": "present", "line": "absent"}
	if hasLine(data, l.text) {
		st["line"] = "present"
	}
	return st, nil
}

func (l *line) Plan(ctx context.Context, observed resources.State) (resources.Change, error) {
	has := observed["line"] == "present"
	switch {
	case l.present && !has && observed["file"] != "present":
		return l.change(resources.Create, l.path+" does not exist", "", l.text), nil
	case l.present && !has:
		return l.change(resources.Update, "the line is missing from "+l.path, "", l.text), nil
	case !l.present && has:
		return l.change(resources.Update, "the line is in "+l.path, l.text, ""), nil
	}
	return resources.Change{Action: resources.NoOp}, nil
}

func (l *line) change(a resources.Action, reason, old, new string) resources.Change {
	return resources.Change{Action: a, Reason: reason,
		Attrs: []resources.AttrChange{resources.NewAttrChange("line", old, new, l.sensitive)}}
}

// Apply adds or removes the line, rewriting the file atomically with its
// owner and mode (0644 for a new file).
func (l *line) Apply(ctx context.Context, c resources.Change) error {
	if err := misbehave(l.crash, l.text, l.full+".pid"); err != nil {
		return err
	}
	data, err := os.ReadFile(l.full)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	opts := atomicfile.Options{Mode: 0o644}
	if fi, err := os.Stat(l.full); err == nil {
		opts.Mode = fi.Mode().Perm()
		opts.Owner = atomicfile.OwnedBy(owner(fi))
	}
	return atomicfile.WriteFile(l.full, edit(data, l.text, l.present), opts)
}

// Verify reads the file again.
func (l *line) Verify(ctx context.Context) error {
	data, err := os.ReadFile(l.full)
	if err != nil && !(os.IsNotExist(err) && !l.present) {
		return err
	}
	if hasLine(data, l.text) != l.present {
		return fmt.Errorf("%s still does not have the line as configured", l.path)
	}
	return nil
}

func hasLine(data []byte, text string) bool {
	for _, s := range strings.Split(string(data), "\n") {
		if s == text {
			return true
		}
	}
	return false
}

// edit returns data with the line appended (present) or every copy of it
// removed (absent).
func edit(data []byte, text string, present bool) []byte {
	s := string(data)
	if present {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return []byte(s + text + "\n")
	}
	var kept []string
	for _, ln := range strings.SplitAfter(s, "\n") {
		if strings.TrimSuffix(ln, "\n") != text {
			kept = append(kept, ln)
		}
	}
	return []byte(strings.Join(kept, ""))
}
