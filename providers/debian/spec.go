package debian

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tendhq/tend/resources"
)

const defaultLockTimeout = 120

var (
	// Debian policy 5.6.1, with an optional architecture qualifier.
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$`)
	// Debian policy 5.6.12: [epoch:]upstream[-revision].
	versionRE  = regexp.MustCompile(`^([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$`)
	questionRE = regexp.MustCompile(`^[^\s/]+/\S+$`)
)

// debconfTypes are the question types debconf-set-selections accepts.
var debconfTypes = []string{"boolean", "error", "multiselect", "note", "password", "select", "string", "text", "title"}

// answer is one preseeded debconf question.
type answer struct {
	question, typ, value string
	secret               bool
}

// spec is one package resource's configuration, checked.
type spec struct {
	addr        string
	name        string
	absent      bool
	version     string // "" = any
	answers     []answer
	recommends  bool
	lockTimeout time.Duration
}

func parseSpec(cfg *resources.Config) (spec, error) {
	s := spec{
		addr:       cfg.Addr.String(),
		name:       cfg.String("name", ""),
		version:    cfg.String("version", ""),
		recommends: cfg.Bool("install_recommends", false),
	}
	if !nameRE.MatchString(s.name) {
		return s, resources.AttrErrorf("name", "name %q is not a Debian package name (lower-case letters, digits, + - . and an optional :arch)", s.name)
	}
	switch e := cfg.String("ensure", ""); e {
	case "present":
	case "absent":
		s.absent = true
	default:
		return s, resources.AttrErrorf("ensure", `ensure must be "present" or "absent", not %q`, e)
	}
	if s.version != "" && !versionRE.MatchString(s.version) {
		return s, resources.AttrErrorf("version", "version %q is not a Debian version", s.version)
	}
	if s.absent && s.version != "" {
		return s, resources.AttrErrorf("version", `version cannot be set with ensure = "absent"`)
	}
	secs, err := cfg.Int("lock_timeout", 0)
	if err == nil && (secs < 0 || int64(secs) > math.MaxInt64/int64(time.Second)) {
		err = errors.New("lock_timeout must be a number of seconds, 0 or more")
	}
	if err != nil {
		return s, resources.AttrErrorf("lock_timeout", "%v", err)
	}
	s.lockTimeout = time.Duration(secs) * time.Second
	s.answers, err = parseAnswers(cfg.StringMap("debconf"), cfg.Sensitive["debconf"])
	if err == nil && s.absent && len(s.answers) > 0 {
		err = errors.New(`debconf answers cannot be set with ensure = "absent"`)
	}
	if err != nil {
		return s, &resources.AttrError{Attr: "debconf", Err: err}
	}
	return s, nil
}

// parseAnswers reads the debconf map: question → "TYPE VALUE", as
// debconf-get-selections prints them. Questions are sorted so the plan and
// the selections fed to debconf are stable.
func parseAnswers(m map[string]string, secret bool) ([]answer, error) {
	var out []answer
	for q, tv := range m {
		if !questionRE.MatchString(q) {
			return nil, fmt.Errorf("debconf question %q must look like OWNER/NAME, without spaces", q)
		}
		typ, value, _ := strings.Cut(tv, " ")
		if !slices.Contains(debconfTypes, typ) {
			// The value is not quoted: it may be a secret.
			return nil, fmt.Errorf("debconf answer to %s must be \"TYPE VALUE\" with TYPE one of %s",
				q, strings.Join(debconfTypes, ", "))
		}
		if strings.ContainsAny(value, "\n\r\x00") {
			return nil, fmt.Errorf("debconf answer to %s must be one line", q)
		}
		if typ == "boolean" && value != "true" && value != "false" {
			return nil, fmt.Errorf("debconf answer to %s is boolean: its value must be true or false", q)
		}
		out = append(out, answer{question: q, typ: typ, value: value, secret: secret || typ == "password"})
	}
	slices.SortFunc(out, func(a, b answer) int { return strings.Compare(a.question, b.question) })
	return out, nil
}

// selections is the input debconf-set-selections reads for the answers.
func (s *spec) selections() string {
	owner, _, _ := strings.Cut(s.name, ":")
	var b strings.Builder
	for _, a := range s.answers {
		fmt.Fprintf(&b, "%s %s %s %s\n", owner, a.question, a.typ, a.value)
	}
	return b.String()
}

// sameVersion compares two Debian versions for equality, taking a missing
// epoch as epoch 0 as dpkg does.
func sameVersion(a, b string) bool {
	return strings.TrimPrefix(a, "0:") == strings.TrimPrefix(b, "0:")
}
