package exec

import (
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// KindName is the name configurations use for exec blocks.
const KindName = "exec"

// Schema describes the exec kind's attributes for the config loader.
var Schema = resources.Schema{
	Kind: KindName,
	Doc: "A shell command run with /bin/sh -c. Without guards it runs on every apply; " +
		"creates, unless and onlyif make it run only when needed, refresh_only only when notified. " +
		"Guard commands also run during `tend plan`, so they must not change anything. " +
		"Under --root, when the root is a system of its own (it has /bin/sh), the command and its guards run chrooted into it and see it as /; " +
		"on a bare tree they run on this machine with TEND_ROOT set to the root.",
	Attrs: []resources.AttrSchema{
		{Name: "command", Type: cty.String, Required: true,
			Doc: "The command, run with /bin/sh -c."},
		{Name: "creates", Type: cty.String,
			Doc: "An absolute path (resolved under the run's root); when anything exists there, the command does not run."},
		{Name: "unless", Type: cty.String,
			Doc: "A guard command; when it exits 0 the command does not run. It runs during plan too and must have no side effects."},
		{Name: "onlyif", Type: cty.String,
			Doc: "A guard command; the command runs only when it exits 0. It runs during plan too and must have no side effects."},
		{Name: "refresh_only", Type: cty.Bool, Default: cty.False,
			Doc: "Run only when notified by a changed resource, never on its own."},
		{Name: "timeout", Type: cty.Number, Default: cty.NumberIntVal(300),
			Doc: "Seconds the command, and each guard, may run before its whole process group is killed; 0 means no limit of its own."},
		{Name: "environment", Type: cty.Map(cty.String),
			Doc: "Extra environment variables, set on top of PATH=" + defaultPath + " and, when the command runs on this machine under another root, TEND_ROOT (that root)."},
		{Name: "cwd", Type: cty.String, Default: cty.StringVal("/"),
			Doc: "The absolute working directory, resolved under the run's root."},
		{Name: "returns", Type: cty.List(cty.Number), Default: cty.ListVal([]cty.Value{cty.Zero}),
			Doc: "Exit codes that count as success."},
	},
}

// Kind returns the exec kind for the provider registry.
func Kind() resources.Kind { return kind{} }

type kind struct{}

func (kind) Schema() resources.Schema { return Schema }

// Identities is unique per address: two commands never manage the same
// thing.
func (kind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.KindID(KindName, cfg.Addr.String())}
}

// Order is empty: what a command touches is opaque, so ordering against
// the files it uses is left to explicit dependencies.
func (kind) Order(*resources.Config) []resources.Order { return nil }

func (kind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseSettings(cfg)
	if err != nil {
		return nil, err
	}
	return &resource{settings: s}, nil
}
