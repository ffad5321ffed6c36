package debian

import (
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// SourceKindName is the name configurations use for APT source blocks.
const SourceKindName = "apt_source"

// The directories an APT source's files go in, as apt reads them.
const (
	sourcesDir     = "/etc/apt/sources.list.d"
	keyringsDir    = "/etc/apt/keyrings"
	preferencesDir = "/etc/apt/preferences.d"
)

// SourceSchema describes the apt_source kind's attributes.
var SourceSchema = resources.Schema{
	Kind: SourceKindName,
	Doc: "An APT package source: its sources file in /etc/apt/sources.list.d, the key its Release file is signed with " +
		"in /etc/apt/keyrings (referenced by Signed-By, so the key vouches for this source only), and optionally an apt pin " +
		"in /etc/apt/preferences.d, all mode 0644 and owned by root. Every source comes before every package of the run; " +
		"a source that changes makes the next package transaction refresh the package lists (apt-get update) first.",
	Attrs: []resources.AttrSchema{
		{Name: "name", Type: cty.String, Required: true,
			Doc: `The stem of the files' names: letters, digits, "_", "-" and "." (not first), at most 64 characters. ` +
				"NAME.sources or NAME.list, keyrings/NAME.asc or NAME.gpg and preferences.d/NAME.pref are managed; " +
				"the variants not configured are removed when they exist (changing format or key encoding leaves no stale file)."},
		{Name: "ensure", Type: cty.String, Default: cty.StringVal("present"),
			Doc: `"present" (the default) or "absent": every file of the source is removed; only name is then used.`},
		{Name: "uris", Type: cty.List(cty.String),
			Doc: "The repository URIs (http, https, file, copy, mirror, mirror+SCHEME or tor+SCHEME), at least one. " +
				"A URI carrying a user name or password is refused: the sources file is world-readable; " +
				"put credentials in /etc/apt/auth.conf.d (a file resource, mode 0600) instead."},
		{Name: "suites", Type: cty.List(cty.String),
			Doc: `The suites ("bookworm", "stable"), at least one; a suite ending in "/" is an exact path (a flat repository, "./"), ` +
				"which takes no components."},
		{Name: "components", Type: cty.List(cty.String),
			Doc: `The components ("main", "contrib"); at least one unless the suites are exact paths, when there must be none.`},
		{Name: "types", Type: cty.List(cty.String), Default: cty.ListVal([]cty.Value{cty.StringVal("deb")}),
			Doc: `"deb" (binary packages, the default) and/or "deb-src" (source packages).`},
		{Name: "architectures", Type: cty.List(cty.String),
			Doc: `The architectures apt fetches from this source ("amd64", "arm64"). Unset: apt's configured ones.`},
		{Name: "format", Type: cty.String, Default: cty.StringVal("deb822"),
			Doc: `"deb822" (the default): /etc/apt/sources.list.d/NAME.sources, one stanza; "list": NAME.list, one-line entries.`},
		{Name: "key", Type: cty.String,
			Doc: "The OpenPGP public key (or keys) the repository's Release file is signed with, ASCII-armored or binary, " +
				"e.g. file(\"keys/repo.asc\"). It is written to /etc/apt/keyrings/NAME.asc (armored) or NAME.gpg (binary) " +
				"and named by Signed-By. A private key, a signature or anything but a public key is refused. " +
				"Unset: no Signed-By, so apt trusts the keys in /etc/apt/trusted.gpg.d (Debian's own archive)."},
		{Name: "pin_origin", Type: cty.String,
			Doc: `Pin the source by origin: the host name of its URIs ("apt.example.com"), as "Pin: origin". At most one of pin_origin and pin_release.`},
		{Name: "pin_release", Type: cty.String,
			Doc: `Pin the source by its Release fields, as "Pin: release" ("o=Example, n=bookworm").`},
		{Name: "pin_priority", Type: cty.Number,
			Doc: "The pin's priority (not 0): over 1000 prefers the source's versions even to downgrade, 990 wins over the " +
				"target release, under 0 forbids installing from it. Set with pin_origin or pin_release, and only then; " +
				"the pin goes to /etc/apt/preferences.d/NAME.pref. Unset: no pin (an existing one is removed)."},
		{Name: "pin_packages", Type: cty.List(cty.String), Default: cty.ListVal([]cty.Value{cty.StringVal("*")}),
			Doc: `The packages the pin applies to, as "Package:" takes them (names, globs, /regexes/); the default is every package.`},
	},
}

// SourceKind returns the apt_source kind for the provider registry.
func SourceKind() resources.Kind { return sourceKind{} }

type sourceKind struct{}

func (sourceKind) Schema() resources.Schema { return SourceSchema }

// Identities are the source itself and every file it may manage: its
// sources file in both formats, its key in both encodings, its pin.
// A configuration this kind refuses names only the source.
func (sourceKind) Identities(cfg *resources.Config) []resources.ID {
	name := cfg.String("name", "")
	ids := []resources.ID{resources.KindID(SourceKindName, name)}
	if !sourceNameRE.MatchString(name) {
		return ids
	}
	for _, p := range sourcePaths(name) {
		ids = append(ids, resources.FileID(p))
	}
	return ids
}

// Order puts a source after whatever manages the directories its files
// go in, and before every package: a package may come from it.
func (sourceKind) Order(cfg *resources.Config) []resources.Order {
	lists := [][]resources.Order{{resources.Before(resources.Every(resources.ClassPackage))}}
	for _, dir := range []string{sourcesDir, keyringsDir, preferencesDir} {
		lists = append(lists, resources.AfterParents(dir+"/x"))
	}
	return resources.Orders(lists...)
}

// New binds a configured source.
func (sourceKind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseSource(cfg)
	if err != nil {
		return nil, err
	}
	return &aptSource{src: s, env: cfg.Env}, nil
}
