package systemd

import (
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// Schema describes the service kind's attributes to the config loader.
var Schema = resources.Schema{
	Kind: "service",
	Doc: "A systemd unit: running or stopped, enabled at boot or not, masked or not, and what a refresh event does " +
		"(reload when the unit supports it, otherwise restart). Attributes left unset are not managed. " +
		"Under --root, enablement and masking are managed offline and starting is deferred to boot.",
	Attrs: []resources.AttrSchema{
		{Name: "name", Type: cty.String, Required: true,
			Doc: `The unit, such as "postfix" or "postfix.service"; a name without a unit type suffix gets ".service".`},
		{Name: "ensure", Type: cty.String,
			Doc: `"running" or "stopped". Unset: not managed.`},
		{Name: "enable", Type: cty.Bool,
			Doc: "Whether the unit starts at boot (its [Install] section's links exist). Unset: not managed."},
		{Name: "masked", Type: cty.Bool,
			Doc: "Whether the unit is masked (linked to /dev/null, so nothing can start it). Unset: not managed."},
		{Name: "refresh", Type: cty.String, Default: cty.StringVal("reload-or-restart"),
			Doc: `What a refresh event does to a running unit: "reload", "restart", or "reload-or-restart" (the default: reload when the unit has ExecReload, otherwise restart). A stopped unit that is not ensured running is left stopped.`},
		{Name: "job_timeout", Type: cty.Number, Default: cty.NumberIntVal(int64(defaultJobTimeout / time.Second)),
			Doc: "Seconds to wait for each systemd job (start, stop, reload, restart)."},
		{Name: "package", Type: cty.String,
			Doc: "The Debian package that ships the unit, for ordering: the service waits for that package resource when one is managed. Default: the unit's name without its type suffix and instance (\"postfix@-.service\" gives \"postfix\")."},
	},
}

// defaultJobTimeout is systemd's own default start timeout.
const defaultJobTimeout = 90 * time.Second

// unitSuffixes are the unit types a name may already carry.
var unitSuffixes = []string{".service", ".socket", ".timer", ".path", ".target", ".mount", ".automount", ".swap", ".slice"}

// unitNameRE is what systemd accepts in a unit name, before the suffix.
var unitNameRE = regexp.MustCompile(`^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?$`)

// packageNameRE is Debian policy's package name syntax.
var packageNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)

// unitName completes a configured name with ".service" unless it has a
// unit type suffix.
func unitName(name string) string {
	for _, s := range unitSuffixes {
		if strings.HasSuffix(name, s) && len(name) > len(s) {
			return name
		}
	}
	return name + ".service"
}

// splitUnit cuts a unit name into prefix, instance (after '@', may be
// empty) and suffix (".service").
func splitUnit(unit string) (prefix, instance string, templated bool, suffix string) {
	dot := strings.LastIndexByte(unit, '.')
	base, suffix := unit[:dot], unit[dot:]
	prefix, instance, templated = strings.Cut(base, "@")
	return prefix, instance, templated, suffix
}

// Kind returns the service kind, for the provider registry.
func Kind() resources.Kind { return kind{} }

type kind struct{}

func (kind) Schema() resources.Schema { return Schema }

// Identities is the full unit name: "postfix" and "postfix.service" are
// one service.
func (kind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.ServiceID(unitName(cfg.String("name", "")))}
}

// unitDirs are where unit files live on Debian, most specific first; a
// file resource managing the unit there is converged before the service.
var unitDirs = []string{"/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"}

// Order puts the service after the package that ships the unit
// (configured, or guessed from the unit's name; only when such a package
// resource exists) and the unit's file in every unit directory, under its
// own name and, for an instance, its template's.
func (kind) Order(cfg *resources.Config) []resources.Order {
	unit := unitName(cfg.String("name", ""))
	prefix, _, templated, suffix := splitUnit(unit)
	out := []resources.Order{resources.After(resources.PackageID(cfg.String("package", prefix)))}
	names := []string{unit}
	if templated && unit != prefix+"@"+suffix {
		names = append(names, prefix+"@"+suffix)
	}
	for _, d := range unitDirs {
		for _, n := range names {
			out = append(out, resources.After(resources.FileID(d+"/"+n)))
		}
	}
	return out
}

// spec is a service resource's configuration, checked by New.
type spec struct {
	unit string
	// ensure is "running", "stopped" or "" (unmanaged).
	ensure string
	// enable and masked are nil when unmanaged.
	enable, masked *bool
	refresh        string
	jobTimeout     time.Duration
}

// New checks the configuration and binds a resource to it.
func (kind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseSpec(cfg)
	if err != nil {
		return nil, err
	}
	return newService(s, cfg.Env), nil
}

func parseSpec(cfg *resources.Config) (spec, error) {
	s := spec{unit: unitName(cfg.String("name", "")), ensure: cfg.String("ensure", ""),
		refresh: cfg.String("refresh", "")}
	if err := checkUnit(cfg.String("name", ""), s.unit); err != nil {
		return s, err
	}
	if s.ensure != "" && s.ensure != "running" && s.ensure != "stopped" {
		return s, resources.AttrErrorf("ensure", `ensure must be "running" or "stopped", not %q`, s.ensure)
	}
	switch s.refresh {
	case "reload", "restart", "reload-or-restart":
	default:
		return s, resources.AttrErrorf("refresh", `refresh must be "reload", "restart" or "reload-or-restart", not %q`, s.refresh)
	}
	s.enable, s.masked = optBool(cfg, "enable"), optBool(cfg, "masked")
	if s.masked != nil && *s.masked {
		if s.ensure == "running" {
			return s, resources.AttrErrorf("masked", `a masked unit cannot be running: set ensure = "stopped" or masked = false`)
		}
		if s.enable != nil && *s.enable {
			return s, resources.AttrErrorf("masked", "a masked unit cannot be enabled: set enable = false or masked = false")
		}
	}
	if pkg := cfg.String("package", ""); cfg.IsSet("package") && !packageNameRE.MatchString(pkg) {
		return s, resources.AttrErrorf("package", "package %q is not a Debian package name", pkg)
	}
	secs, err := cfg.Int("job_timeout", 0)
	if err != nil {
		return s, &resources.AttrError{Attr: "job_timeout", Err: err}
	}
	if secs <= 0 || int64(secs) > math.MaxInt64/int64(time.Second) {
		return s, resources.AttrErrorf("job_timeout", "job_timeout must be a positive number of seconds, not %d", secs)
	}
	s.jobTimeout = time.Duration(secs) * time.Second
	return s, nil
}

// optBool is a bool attribute, nil when unset (unmanaged).
func optBool(cfg *resources.Config, name string) *bool {
	if !cfg.IsSet(name) {
		return nil
	}
	v := cfg.Bool(name, false)
	return &v
}

// checkUnit rejects names systemd would refuse, and templates, which can
// be neither started nor enabled without an instance.
func checkUnit(name, unit string) error {
	prefix, instance, templated, suffix := splitUnit(unit)
	base := strings.TrimSuffix(unit, suffix)
	switch {
	case name == "" || strings.ContainsRune(name, '/'):
		return resources.AttrErrorf("name", "name %q must be a unit name, not a path", name)
	case !unitNameRE.MatchString(base) || prefix == "" || len(unit) > 255:
		return resources.AttrErrorf("name", "name %q is not a valid unit name", name)
	case templated && instance == "":
		return resources.AttrErrorf("name", "%s is a template: name an instance, such as %s@NAME%s", unit, prefix, suffix)
	}
	return nil
}
