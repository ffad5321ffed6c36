package debian

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tendhq/tend/resources"
)

var (
	// apt reads files in sources.list.d and preferences.d whose names are
	// made of these characters only; a leading "." would hide the file.
	sourceNameRE = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$`)
	archRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	// wordRE is a suite or component: no white space, no quotes, no
	// brackets (the one-line format would read them as options).
	wordRE = regexp.MustCompile(`^[^\s"'\[\]#]+$`)
	// uriSchemes are the transports apt ships (mirror and tor as prefixes).
	uriSchemes = []string{"http", "https", "file", "copy", "mirror"}
)

// source is one apt_source's configuration, checked.
type source struct {
	name       string
	absent     bool
	types      []string
	uris       []string
	suites     []string
	components []string
	archs      []string
	oneLine    bool   // format = "list"
	key        []byte // nil: no Signed-By
	keyArmored bool
	pin        *pin
	// sensitive: some attribute is (a token in a URI, a decrypted key);
	// plans then show which lines of the files change, not what they say.
	sensitive bool
}

// pin is the source's apt preferences entry.
type pin struct {
	packages []string
	by       string // "origin" or "release"
	value    string
	priority int
}

// parseSource reads and checks the configuration; each error names the
// attribute it is about.
func parseSource(cfg *resources.Config) (source, error) {
	s := source{name: cfg.String("name", ""), sensitive: slices.Contains(slices.Collect(maps.Values(cfg.Sensitive)), true)}
	if !sourceNameRE.MatchString(s.name) {
		return s, resources.AttrErrorf("name", `name %q must be 1 to 64 letters, digits, "_", "-" or "." (not first): apt ignores other file names`, s.name)
	}
	switch e := cfg.String("ensure", "present"); e {
	case "present":
	case "absent":
		s.absent = true
		return s, nil
	default:
		return s, resources.AttrErrorf("ensure", `ensure must be "present" or "absent", not %q`, e)
	}
	switch f := cfg.String("format", "deb822"); f {
	case "deb822":
	case "list":
		s.oneLine = true
	default:
		return s, resources.AttrErrorf("format", `format must be "deb822" or "list", not %q`, f)
	}
	for _, step := range []func(*resources.Config) error{s.parseLists, s.parseKey, s.parsePin} {
		if err := step(cfg); err != nil {
			return s, err
		}
	}
	return s, nil
}

// parseLists checks types, uris, suites, components and architectures.
func (s *source) parseLists(cfg *resources.Config) error {
	s.types = cfg.Strings("types")
	s.uris = cfg.Strings("uris")
	s.suites = cfg.Strings("suites")
	s.components = cfg.Strings("components")
	s.archs = cfg.Strings("architectures")
	checks := []struct {
		attr  string
		items []string
		check func(string) error
		need  bool
	}{
		{"types", s.types, checkType, true},
		{"uris", s.uris, checkURI, true},
		{"suites", s.suites, checkWord, true},
		{"components", s.components, checkWord, false},
		{"architectures", s.archs, checkArch, false},
	}
	for _, c := range checks {
		if c.need && len(c.items) == 0 {
			return resources.AttrErrorf(c.attr, "%s must list at least one", c.attr)
		}
		for i, v := range c.items {
			if err := c.check(v); err != nil {
				return resources.AttrErrorf(c.attr, "%s[%d]: %w", c.attr, i, err)
			}
		}
	}
	if cfg.IsSet("architectures") && len(s.archs) == 0 {
		return resources.AttrErrorf("architectures", "architectures must list at least one, or be left unset")
	}
	return s.checkSuites()
}

// checkSuites wants components with distribution suites and none with
// exact paths (apt refuses either mix).
func (s *source) checkSuites() error {
	exact := 0
	for _, suite := range s.suites {
		if strings.HasSuffix(suite, "/") {
			exact++
		}
	}
	switch {
	case exact > 0 && exact < len(s.suites):
		return resources.AttrErrorf("suites", `suites must all be exact paths (ending in "/") or none: they share one components list`)
	case exact > 0 && len(s.components) > 0:
		return resources.AttrErrorf("components", `components must be empty with exact-path suites (ending in "/")`)
	case exact == 0 && len(s.components) == 0:
		return resources.AttrErrorf("components", `components must list at least one (suites that are exact paths end in "/")`)
	}
	return nil
}

func checkType(t string) error {
	if t != "deb" && t != "deb-src" {
		return fmt.Errorf(`%q is not "deb" or "deb-src"`, t)
	}
	return nil
}

func checkWord(w string) error {
	if !wordRE.MatchString(w) {
		return fmt.Errorf("%q must be one word, without quotes, brackets or #", w)
	}
	return nil
}

func checkArch(a string) error {
	if !archRE.MatchString(a) {
		return fmt.Errorf("%q is not a Debian architecture name", a)
	}
	return nil
}

// checkURI accepts what apt can fetch from. A URI with credentials is
// refused without being repeated: the sources file is world-readable and
// plans print it, and apt reads credentials from auth.conf.d.
func checkURI(raw string) error {
	if strings.ContainsAny(raw, " \t\r\n\"'[]") {
		return errors.New("a URI must not contain white space, quotes or brackets")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URI: " + uriProblem(err))
	}
	if u.User != nil {
		u.User = nil
		return fmt.Errorf("%s carries a user name or password; the sources file is world-readable: "+
			"put the credentials in /etc/apt/auth.conf.d/NAME.conf (machine %s login ... password ..., mode 0600) and give the URI without them",
			u.String(), u.Host)
	}
	scheme := u.Scheme
	if base, ok := strings.CutPrefix(scheme, "mirror+"); ok {
		scheme = base
	} else if base, ok := strings.CutPrefix(scheme, "tor+"); ok {
		scheme = base
	}
	if !slices.Contains(uriSchemes, scheme) {
		return fmt.Errorf("%q: scheme %q is not one apt fetches from (%s, mirror+ and tor+ variants)", raw, u.Scheme, strings.Join(uriSchemes, ", "))
	}
	if u.Host == "" && scheme != "file" && scheme != "copy" {
		return fmt.Errorf("%q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q: apt takes no query or fragment", raw)
	}
	return nil
}

// uriProblem is url.Parse's complaint without the URI it quotes, which
// may hold a password.
func uriProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return "it does not parse"
}

// parseKey checks the key is an OpenPGP public key, armored or binary.
func (s *source) parseKey(cfg *resources.Config) error {
	if !cfg.IsSet("key") {
		return nil
	}
	key := []byte(cfg.String("key", ""))
	armored, err := checkPublicKey(key)
	if err != nil {
		return resources.AttrErrorf("key", "key: %w", err)
	}
	s.key, s.keyArmored = key, armored
	return nil
}

// parsePin reads pin_origin or pin_release, with pin_priority.
func (s *source) parsePin(cfg *resources.Config) error {
	origin, release := cfg.IsSet("pin_origin"), cfg.IsSet("pin_release")
	prio := cfg.IsSet("pin_priority")
	switch {
	case origin && release:
		return resources.AttrErrorf("pin_release", "at most one of pin_origin and pin_release")
	case !origin && !release && !prio:
		return nil
	case !prio:
		return resources.AttrErrorf("pin_priority", "pin_priority must be set with pin_origin or pin_release")
	case !origin && !release:
		return resources.AttrErrorf("pin_priority", "pin_priority needs pin_origin or pin_release: what it pins")
	}
	n, err := cfg.Int("pin_priority", 0)
	if err == nil && n == 0 {
		err = errors.New("pin_priority must not be 0 (apt leaves its meaning undefined)")
	}
	if err != nil {
		return resources.AttrErrorf("pin_priority", "%w", err)
	}
	p := &pin{priority: n, by: "origin", value: cfg.String("pin_origin", "")}
	attr := "pin_origin"
	if release {
		p.by, p.value, attr = "release", cfg.String("pin_release", ""), "pin_release"
	}
	if err := checkPinValue(p.by, p.value); err != nil {
		return resources.AttrErrorf(attr, "%s: %w", attr, err)
	}
	p.packages = cfg.Strings("pin_packages")
	if len(p.packages) == 0 {
		return resources.AttrErrorf("pin_packages", "pin_packages must list at least one")
	}
	for i, pk := range p.packages {
		if strings.ContainsAny(pk, "\n\r") || strings.TrimSpace(pk) == "" {
			return resources.AttrErrorf("pin_packages", "pin_packages[%d] must be one non-empty line", i)
		}
	}
	s.pin = p
	return nil
}

func checkPinValue(by, v string) error {
	switch {
	case strings.TrimSpace(v) == "" || strings.ContainsAny(v, "\n\r"):
		return errors.New("must be one non-empty line")
	case by == "origin" && !wordRE.MatchString(v):
		return fmt.Errorf("%q must be a host name, without spaces or quotes", v)
	}
	return nil
}
