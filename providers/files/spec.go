package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/tendhq/tend/resources"
)

// ensure is what a path is, or must be. The zero value is a regular file,
// the default of the ensure attribute.
type ensure int

const (
	ensureFile ensure = iota
	ensureDirectory
	ensureLink
	ensureAbsent
	// ensureOther is only ever observed: a fifo, socket or device node.
	ensureOther
)

var ensureNames = [...]string{"file", "directory", "link", "absent", "other"}

// String is the name the ensure attribute and the observed State use.
func (e ensure) String() string { return ensureNames[e] }

// article names the thing in a reason: "is a directory, want file".
func (e ensure) article() string {
	switch e {
	case ensureFile:
		return "a file"
	case ensureDirectory:
		return "a directory"
	case ensureLink:
		return "a link"
	case ensureOther:
		return "a special file"
	}
	return "absent"
}

func parseEnsure(s string) (ensure, bool) {
	for i, n := range ensureNames {
		if n == s {
			return ensure(i), true
		}
	}
	return 0, false
}

// keyMarker is the safety net for sensitivity: content carrying a PEM
// private key is masked even when nobody marked it sensitive.
var keyMarker = []byte("PRIVATE KEY-----")

// spec is a file resource's configuration, checked and normalized by New.
type spec struct {
	// path is the configured absolute, cleaned path, not under the root.
	path   string
	ensure ensure
	// content is the desired content when hasContent; it came from
	// content, source or template, whichever was set.
	content    []byte
	hasContent bool
	// sum is content's hex sha256, compared with the observed one.
	sum string
	// sensitive masks content in diffs.
	sensitive bool
	// target is the link target for ensure = "link".
	target string
	// owner and group are as configured (name or id); "" is unmanaged.
	owner, group string
	mode         fs.FileMode
	hasMode      bool
	// validateCmd checks new content before the rename; "" is none.
	validateCmd string
	backup      bool
	force       bool
	// fileGroup is the file_group the file goes live with; nil when none.
	fileGroup *group
	// attrSensitive is the loader's per-attribute sensitivity.
	attrSensitive map[string]bool
}

// parseSpec turns a Config into a spec, reporting what the schema could
// not express as configuration errors.
func parseSpec(cfg *resources.Config) (spec, error) {
	s := spec{
		backup:        cfg.Bool("backup", false),
		force:         cfg.Bool("force", false),
		owner:         cfg.String("owner", ""),
		group:         cfg.String("group", ""),
		validateCmd:   cfg.String("validate_cmd", ""),
		attrSensitive: cfg.Sensitive,
	}
	if err := resources.CheckPaths(cfg, "path", "target"); err != nil {
		return s, err
	}
	p := cfg.String("path", "")
	if !filepath.IsAbs(p) {
		return s, resources.AttrErrorf("path", "path %q must be absolute", p)
	}
	if s.path = filepath.Clean(p); s.path == "/" {
		return s, resources.AttrErrorf("path", `path "/" cannot be managed by a file resource`)
	}
	e, ok := parseEnsure(cfg.String("ensure", ""))
	if !ok || e == ensureOther {
		return s, resources.AttrErrorf("ensure", `ensure must be "file", "directory", "link" or "absent", not %q`, cfg.String("ensure", ""))
	}
	s.ensure = e
	for _, step := range []func(*resources.Config) error{s.setContent, s.setTarget, s.setMode, s.setOwnership, s.setValidate, s.setGroup} {
		if err := step(cfg); err != nil {
			return s, err
		}
	}
	return s, nil
}

func (s *spec) setContent(cfg *resources.Config) error {
	var set []string
	for _, name := range []string{"content", "source", "template"} {
		if cfg.IsSet(name) {
			set = append(set, name)
			s.content = []byte(cfg.String(name, ""))
			s.sensitive = s.sensitive || cfg.Sensitive[name]
		}
	}
	if cfg.IsSet("vars") && !cfg.IsSet("template") {
		return resources.AttrErrorf("vars", "vars is only used with template")
	}
	if len(set) == 0 {
		return nil
	}
	if len(set) > 1 {
		return resources.AttrErrorf(set[1], "set at most one of content, source and template, not %s", strings.Join(set, " and "))
	}
	if s.ensure != ensureFile {
		return resources.AttrErrorf(set[0], "%s only applies to ensure = \"file\", not %q", set[0], s.ensure)
	}
	s.hasContent = true
	s.sensitive = s.sensitive || bytes.Contains(s.content, keyMarker)
	sum := sha256.Sum256(s.content)
	s.sum = hex.EncodeToString(sum[:])
	return nil
}

func (s *spec) setTarget(cfg *resources.Config) error {
	s.target = cfg.String("target", "")
	switch {
	case s.ensure == ensureLink && s.target == "":
		return resources.AttrErrorf("ensure", `ensure = "link" needs a target`)
	case s.ensure != ensureLink && cfg.IsSet("target"):
		return resources.AttrErrorf("target", "target only applies to ensure = \"link\", not %q", s.ensure)
	}
	return nil
}

func (s *spec) setMode(cfg *resources.Config) error {
	if !cfg.IsSet("mode") {
		return nil
	}
	if s.ensure == ensureLink || s.ensure == ensureAbsent {
		return resources.AttrErrorf("mode", "mode does not apply to ensure = %q", s.ensure)
	}
	m, err := parseMode(cfg.String("mode", ""))
	if err != nil {
		return &resources.AttrError{Attr: "mode", Err: err}
	}
	s.mode, s.hasMode = m, true
	return nil
}

func (s *spec) setOwnership(cfg *resources.Config) error {
	for _, name := range []string{"owner", "group"} {
		if !cfg.IsSet(name) {
			continue
		}
		v := cfg.String(name, "")
		if s.ensure == ensureAbsent {
			return resources.AttrErrorf(name, "%s does not apply to ensure = \"absent\"", name)
		}
		if err := resources.CheckAccountName(cfg, name, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *spec) setValidate(cfg *resources.Config) error {
	if !cfg.IsSet("validate_cmd") {
		return nil
	}
	if s.ensure != ensureFile {
		return resources.AttrErrorf("validate_cmd", "validate_cmd only applies to ensure = \"file\", not %q", s.ensure)
	}
	if !strings.Contains(s.validateCmd, "%") {
		return resources.AttrErrorf("validate_cmd", "validate_cmd must contain %%, which becomes the path of the file to check")
	}
	return nil
}

// label is how plans name the file: its path, unless the path is
// sensitive (built from a secret).
func (s *spec) label() string {
	if s.attrSensitive["path"] {
		return "(sensitive path)"
	}
	return s.path
}

// dirLabel names one of the file's parent directories the way label
// names the file.
func (s *spec) dirLabel(dir string) string {
	if s.attrSensitive["path"] {
		return "of (sensitive path)"
	}
	return dir
}
