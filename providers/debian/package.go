package debian

import (
	"path/filepath"
	"sync"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// KindName is the name configurations use for package blocks.
const KindName = "package"

// Schema describes the package kind's attributes for the config loader.
var Schema = resources.Schema{
	Kind: KindName,
	Doc: "A Debian package installed (at any or an exact version) or absent, managed with dpkg and apt. " +
		"All package changes of a run are made in one apt transaction, without questions: debconf answers are " +
		"preseeded, changed configuration files keep the local version. Package lists are refreshed " +
		"(apt-get update), once, before installing, only when apt does not know a wanted package or version, or an apt_source changed since they were.",
	Attrs: []resources.AttrSchema{
		{Name: "name", Type: cty.String, Required: true,
			Doc: `The package name, optionally with an architecture ("libc6:i386"); a bare name means the native or arch-independent package.`},
		{Name: "ensure", Type: cty.String, Default: cty.StringVal("present"),
			Doc: `"present" (the default): installed; "absent": removed (configuration files stay, as with apt-get remove). ` +
				"Removing a package also removes the packages that depend on it; the plan lists them."},
		{Name: "version", Type: cty.String,
			Doc: "The exact version to install, as apt-cache policy shows it (epoch included when it has one); " +
				"an installed package of another version is upgraded or downgraded to it. Unset: any version, and an installed package is left as it is."},
		{Name: "debconf", Type: cty.Map(cty.String),
			Doc: `Debconf answers preseeded before the package is installed or upgraded: question → "TYPE VALUE", as debconf-get-selections prints them, ` +
				`e.g. { "postfix/main_mailer_type" = "select No configuration" }. They do not reconfigure a package that is already installed. ` +
				"Answers of type password, or all of them when the map is sensitive, are never printed."},
		{Name: "install_recommends", Type: cty.Bool, Default: cty.False,
			Doc: "Install the packages this one recommends too. One transaction installs recommends for all its packages when any asks."},
		{Name: "lock_timeout", Type: cty.Number, Default: cty.NumberIntVal(defaultLockTimeout),
			Doc: "Seconds to wait for the dpkg lock when another package manager holds it, before failing with who holds it; " +
				"a transaction waits for the longest of its packages."},
	},
}

// Kind returns a package kind for the provider registry. The kind keeps
// what all its instances share during a run (the dpkg query, apt's
// simulation), per root; every registry gets its own.
func Kind() resources.Kind { return &kind{systems: map[string]*system{}} }

type kind struct {
	mu      sync.Mutex
	systems map[string]*system
}

func (*kind) Schema() resources.Schema { return Schema }

// Identities is the package name: two resources cannot both decide one
// package.
func (*kind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.PackageID(cfg.String("name", ""))}
}

// Order is empty: what a package needs is apt's business, and the APT
// sources it comes from order themselves before every package.
func (*kind) Order(*resources.Config) []resources.Order { return nil }

// New binds an instance and registers it with its root's system, so the
// first plan of a run can simulate the changes of every package at once.
func (k *kind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseSpec(cfg)
	if err != nil {
		return nil, err
	}
	sys := k.system(cfg.Env.Root)
	p := &pkg{spec: s, sys: sys, stateDir: cfg.Env.StateDir}
	sys.add(p)
	return p, nil
}

// system returns the shared state of one root, made on first use.
func (k *kind) system(root string) *system {
	switch abs, err := filepath.Abs(root); {
	case isHostRoot(root):
		root = "/"
	case err == nil:
		root = abs // chroot and dpkg run with / as working directory
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.systems[root]
	if !ok {
		s = &system{root: root}
		k.systems[root] = s
	}
	return s
}
