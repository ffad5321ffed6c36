package exec

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tendhq/tend/providers/chroot"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

const defaultPath = "/usr/sbin:/usr/bin:/sbin:/bin"

// settings is one exec instance's configuration, checked and resolved.
type settings struct {
	command     string
	creates     string // as configured; resolved with env.Path when checked
	unless      string
	onlyif      string
	refreshOnly bool
	timeout     time.Duration // 0: only the caller's deadline applies
	environ     []string
	dir         string // resolved under the root
	// chroot is the root the command and its guards run chrooted into,
	// when the run's root is a system of its own; "" runs them here.
	chroot  string
	returns []int
	env     resources.Env
	// secret is set when the command or its environment is sensitive: then
	// no command text, environment value or output is ever printed.
	secret bool
	// masked lists other attributes whose text must not be printed.
	masked map[string]bool
}

func parseSettings(cfg *resources.Config) (settings, error) {
	s := settings{
		command:     cfg.String("command", ""),
		creates:     cfg.String("creates", ""),
		unless:      cfg.String("unless", ""),
		onlyif:      cfg.String("onlyif", ""),
		refreshOnly: cfg.Bool("refresh_only", false),
		env:         cfg.Env,
		secret:      cfg.Sensitive["command"] || cfg.Sensitive["environment"],
		masked:      cfg.Sensitive,
	}
	if strings.TrimSpace(s.command) == "" {
		return s, errors.New("command must not be empty")
	}
	if err := resources.CheckPaths(cfg, "creates", "cwd"); err != nil {
		return s, err
	}
	if s.creates != "" && !filepath.IsAbs(s.creates) {
		return s, errors.New("creates must be an absolute path")
	}
	cwd := cfg.String("cwd", "")
	if !filepath.IsAbs(cwd) {
		return s, errors.New("cwd must be an absolute path")
	}
	s.dir = cfg.Env.Path(cwd)
	var err error
	if s.timeout, err = parseTimeout(cfg); err != nil {
		return s, err
	}
	if s.returns, err = parseReturns(cfg.Values["returns"]); err != nil {
		return s, err
	}
	// A root that is a system of its own has the programs and the
	// configuration the command means: it runs there, and sees it as /.
	// On a bare tree it runs here, told the root in TEND_ROOT.
	root := cfg.Env.Root
	if chroot.IsSystem(root) {
		s.chroot, root = root, ""
	}
	s.environ, err = buildEnviron(root, cfg.StringMap("environment"))
	return s, err
}

func parseTimeout(cfg *resources.Config) (time.Duration, error) {
	secs, err := cfg.Int("timeout", 0)
	if err != nil {
		return 0, err
	}
	if secs < 0 {
		return 0, errors.New("timeout must not be negative")
	}
	if int64(secs) > math.MaxInt64/int64(time.Second) {
		return 0, errors.New("timeout is too large")
	}
	return time.Duration(secs) * time.Second, nil
}

// parseReturns reads the list of accepted exit codes; resources.Config has
// no accessor for lists of numbers.
func parseReturns(v cty.Value) ([]int, error) {
	bad := errors.New("returns must list whole exit codes from 0 to 255")
	if !v.CanIterateElements() || v.LengthInt() == 0 {
		return nil, bad
	}
	var codes []int
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || !e.Type().Equals(cty.Number) {
			return nil, bad
		}
		n, acc := e.AsBigFloat().Int64()
		if acc != big.Exact || n < 0 || n > 255 {
			return nil, bad
		}
		codes = append(codes, int(n))
	}
	return codes, nil
}

// buildEnviron makes the command's whole environment: nothing is inherited
// from the agent, so runs do not depend on how tend was started.
func buildEnviron(root string, extra map[string]string) ([]string, error) {
	vars := map[string]string{"PATH": defaultPath}
	if root != "" && root != "/" {
		vars["TEND_ROOT"] = root
	}
	for name, val := range extra {
		// Names may be printed; values never are, they may be secret.
		if name == "" || strings.ContainsAny(name, "=\x00") {
			return nil, fmt.Errorf("environment: invalid variable name %q", name)
		}
		if strings.ContainsRune(val, 0) {
			return nil, fmt.Errorf("environment: value of %s contains a NUL byte", name)
		}
		vars[name] = val
	}
	out := make([]string, 0, len(vars))
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, name+"="+vars[name])
	}
	return out, nil
}

// describe names an attribute and its text for reasons and errors, masking
// the text when it must not be printed.
func (s *settings) describe(attr, text string) string {
	if s.secret || s.masked[attr] {
		return attr + " " + resources.Masked
	}
	return fmt.Sprintf("%s %q", attr, text)
}
