package postfix

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// KindName is the name configurations use for postfix_map blocks.
const KindName = "postfix_map"

// Schema describes the postfix_map kind's attributes to the config loader.
var Schema = resources.Schema{
	Kind: KindName,
	Doc: "A Postfix lookup table built from its source file with postmap (or postalias). " +
		"It is rebuilt whenever the source's content differs from what the table was last built from, " +
		"or the table is missing, and also when notified. The new table is built beside the live one, " +
		"checked with a lookup, and renamed into place. Manage the source with a file resource; " +
		"notify a service resource (notify = [service.postfix]) to reload Postfix: this kind does not.",
	Attrs: []resources.AttrSchema{
		{Name: "path", Type: cty.String, Required: true,
			Doc: "Absolute path of the source file, such as /etc/postfix/transport, resolved under the run's root. The table is built beside it (transport.db, .cdb or .lmdb)."},
		{Name: "type", Type: cty.String, Default: cty.StringVal("hash"),
			Doc: `Table type: "hash" (the default, builds PATH.db), "btree" (PATH.db), "cdb" (PATH.cdb), "lmdb" (PATH.lmdb), or "pcre", "regexp", "cidr", which Postfix reads from the source itself: those are only checked, and report a change when the source changed since the last check, so a notified service reloads.`},
		{Name: "alias", Type: cty.Bool, Default: cty.False,
			Doc: "Build and query with postalias instead of postmap: the source is in aliases(5) format."},
		{Name: "check_key", Type: cty.String,
			Doc: "A key that must resolve in the new table before it replaces the live one. Unset: the first key of the source must resolve (for pcre, regexp and cidr, a lookup must merely not fail)."},
		{Name: "postfix_dir", Type: cty.String, Default: cty.StringVal("/etc/postfix"),
			Doc: "Postfix configuration directory passed to postmap with -c, resolved under the run's root. When it holds no main.cf, the table is built with Postfix's built-in defaults."},
	},
}

// tableSuffix maps each supported type to the suffix of the file postmap
// builds; "" marks types Postfix reads from the source itself.
var tableSuffix = map[string]string{
	"hash": ".db", "btree": ".db", "cdb": ".cdb", "lmdb": ".lmdb",
	"pcre": "", "regexp": "", "cidr": "",
}

// Kind returns the postfix_map kind, for the provider registry.
func Kind() resources.Kind { return kind{} }

type kind struct{}

func (kind) Schema() resources.Schema { return Schema }

// Identities names the built table file, so two maps that would write
// one table (hash and btree both build PATH.db; postmap and postalias too)
// conflict. Types that build nothing are named by type and source.
func (kind) Identities(cfg *resources.Config) []resources.ID {
	p := filepath.Clean(cfg.String("path", ""))
	typ := cfg.String("type", "")
	if suffix := tableSuffix[typ]; suffix != "" {
		return []resources.ID{resources.KindID(KindName, p+suffix)}
	}
	return []resources.ID{resources.KindID(KindName, typ+":"+p)}
}

// Order puts the map after its source file, so a file resource writing it
// converges before the table is built.
func (kind) Order(cfg *resources.Config) []resources.Order {
	return []resources.Order{resources.After(resources.FileID(cfg.String("path", "")))}
}

// New checks the configuration and binds a resource to it.
func (kind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseSpec(cfg)
	if err != nil {
		return nil, err
	}
	return newMap(s, cfg.Env), nil
}

// spec is one map's configuration, checked and normalized.
type spec struct {
	// path is the configured source path, absolute and clean, not under
	// the root.
	path string
	typ  string
	// suffix is the built table's suffix; "" when nothing is built.
	suffix   string
	alias    bool
	checkKey string
	// postfixDir is the configured -c directory, not under the root.
	postfixDir string
}

func parseSpec(cfg *resources.Config) (spec, error) {
	s := spec{
		typ:        cfg.String("type", ""),
		alias:      cfg.Bool("alias", false),
		checkKey:   cfg.String("check_key", ""),
		postfixDir: cfg.String("postfix_dir", ""),
	}
	if err := resources.CheckPaths(cfg, "path", "postfix_dir"); err != nil {
		return s, err
	}
	p := cfg.String("path", "")
	if !filepath.IsAbs(p) || filepath.Clean(p) == "/" {
		return s, resources.AttrErrorf("path", "path %q must be an absolute file path", p)
	}
	s.path = filepath.Clean(p)
	suffix, ok := tableSuffix[s.typ]
	if !ok {
		return s, resources.AttrErrorf("type", "type must be one of %s, not %q", strings.Join(typeNames(), ", "), s.typ)
	}
	s.suffix = suffix
	if cfg.IsSet("check_key") && (s.checkKey == "" || s.checkKey == "-" || strings.ContainsAny(s.checkKey, "\n\x00")) {
		return s, resources.AttrErrorf("check_key", "check_key %q cannot be looked up: it must be one non-empty line other than \"-\"", s.checkKey)
	}
	if !filepath.IsAbs(s.postfixDir) {
		return s, resources.AttrErrorf("postfix_dir", "postfix_dir %q must be an absolute path", s.postfixDir)
	}
	s.postfixDir = filepath.Clean(s.postfixDir)
	return s, nil
}

func typeNames() []string {
	names := make([]string, 0, len(tableSuffix))
	for n := range tableSuffix {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// builds reports whether postmap builds a table file for this type.
func (s spec) builds() bool { return s.suffix != "" }

// tool is the Postfix command that builds and queries the table.
func (s spec) tool() string {
	if s.alias {
		return "postalias"
	}
	return "postmap"
}
