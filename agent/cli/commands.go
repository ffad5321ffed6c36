package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/agent/units"
	"github.com/tendhq/tend/agent/version"
)

// HostDefault annotates a flag whose default is taken from the machine
// tend runs on (its host name, its own path, the environment): the
// annotation says in words what the default is, for the manual, which
// must not show the machine it was built on.
const HostDefault = "tend-host-default"

// hostDefault are the defaults taken from the machine tend runs on.
type hostDefault struct {
	name      string // the host name: --node
	binary    string // this executable: agent install --binary
	providers string // $TEND_PROVIDERS, else in-process: --providers
}

func hostDefaults() hostDefault {
	name, _ := os.Hostname()
	mode := os.Getenv("TEND_PROVIDERS")
	if mode == "" {
		mode = inProcess
	}
	return hostDefault{name: name, binary: selfPath(), providers: mode}
}

// Command is tend's command tree as the manual documents it: the
// defaults HostDefault annotates are left neutral.
func Command() *cobra.Command {
	env := &cmdEnv{stdout: io.Discard, stderr: io.Discard}
	root := newRoot(env, hostDefault{binary: units.DefaultBinary, providers: inProcess})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}

func annotateHostDefault(fs *pflag.FlagSet, name, words string) {
	_ = fs.SetAnnotation(name, HostDefault, []string{words})
}

const rootLong = `tend converges a host to the state its node repository describes: plan
says what would change and why, apply converges the host, and agent
fetches a signed repository and applies it.

Exit codes: plan, apply and agent exit 0 when there is nothing to do,
2 for changes, 4 for failures, 6 for both, plus 8 when the agent applied
its last known good commit instead of the tip (8 to 14); 1 for invalid
configuration or usage; 3 when the agent is disabled; 5 when another run
holds the lock. Exit code %d, from any command, means tend itself crashed
(a bug in tend); apply and agent then record a failed run, which tend
check reports as CRITICAL.`

// newRoot builds the command tree; each command's run sets env.code.
func newRoot(env *cmdEnv, host hostDefault) *cobra.Command {
	var showVersion bool
	root := &cobra.Command{
		Use:   "tend",
		Short: "pull-style configuration agent for Debian hosts",
		Long:  fmt.Sprintf(rootLong, supervise.ExitInternal),
		Run: func(cmd *cobra.Command, _ []string) {
			if showVersion {
				fmt.Fprint(env.stdout, versionText())
				return
			}
			cmd.SetOut(env.stderr)
			_ = cmd.Help()
			env.code = exitUsage
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	// Not cobra's Version, which would name the binary (a digest of it,
	// for a development build) for every command, not only this one.
	root.Flags().BoolVarP(&showVersion, "version", "v", false, "print tend's version, the commit and date it was built from, and the Go release")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &flagError{err: suggestFlag(cmd, err), code: exitUsage}
	})
	root.AddCommand(newValidateCmd(env, host), newPlanCmd(env, host), newApplyCmd(env, host),
		newDiffCatalogCmd(env, host), newFmtCmd(env, host), newGraphCmd(env, host), newExplainCmd(env, host),
		newProvidersCmd(env, host), newDisableCmd(env), newEnableCmd(env), newCheckCmd(env),
		newUnblockCmd(env), newAgentCmd(env, host), newPreviewSummaryCmd(env), newEncryptCmd(env),
		newIdentityCmd(env), newDocCmd(env))
	return root
}

// versionText is what tend --version prints.
func versionText() string {
	b := version.Describe()
	return fmt.Sprintf("tend %s\ncommit: %s\ndate:   %s\ngo:     %s\n", b.Version, b.Commit, b.Date, b.Go)
}

// runs adapts a command's run to cobra: its exit code goes to env.code.
func runs(env *cmdEnv, f func(ctx context.Context, cmd *cobra.Command, args []string) int) func(*cobra.Command, []string) {
	return func(cmd *cobra.Command, args []string) {
		env.code = f(cmd.Context(), cmd, args)
	}
}

// execute runs the command the arguments name and returns its exit code;
// a usage error is said once, with a suggestion when one is near.
func execute(ctx context.Context, env *cmdEnv, root *cobra.Command, args []string) int {
	root.SetArgs(longFlags(root, args))
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return env.code
	}
	code := exitUsage
	var fe *flagError
	if errors.As(err, &fe) {
		code = fe.code
	}
	fmt.Fprintf(env.stderr, "%s: %s\n", cmd.CommandPath(), strings.TrimRight(err.Error(), "\n"))
	fmt.Fprintf(env.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	return code
}

// flagError is a command line a command cannot parse, and the code it
// exits with (1, or 3 for tend check, as monitoring plugins do).
type flagError struct {
	err  error
	code int
}

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// suggestFlag adds to an unknown flag's error the command's flag nearest
// to it, when one is near.
func suggestFlag(cmd *cobra.Command, err error) error {
	var unknown *pflag.NotExistError
	if !errors.As(err, &unknown) || unknown.GetSpecifiedName() == "" || unknown.GetSpecifiedShortnames() != "" {
		return err
	}
	typed := unknown.GetSpecifiedName()
	best, bestDist := "", 3 // farther than 2 edits is no suggestion
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		d := levenshtein.Distance(typed, f.Name, nil)
		if strings.HasPrefix(f.Name, typed) {
			d = min(d, 1)
		}
		if !f.Hidden && d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	if best == "" {
		return err
	}
	return fmt.Errorf("%w\n\nDid you mean this?\n\t--%s", err, best)
}

// suggestSubcommand names the subcommands of cmd near a mistyped one.
func suggestSubcommand(env *cmdEnv, cmd *cobra.Command, args []string) {
	if len(args) == 0 {
		return
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // as cobra's own for tend's commands
	}
	if near := cmd.SuggestionsFor(args[0]); len(near) > 0 {
		fmt.Fprintf(env.stderr, "Did you mean this?\n\t%s\n", strings.Join(near, "\n\t"))
	}
}

// longFlags rewrites "-name" and "-name=value" as "--name..." when name
// is a long flag of some command: tend's flags were once parsed by Go's
// flag package, which takes both spellings, and scripts use either. A
// one-letter flag such as -r stays a shorthand, and nothing after "--"
// is touched.
func longFlags(root *cobra.Command, args []string) []string {
	names := map[string]bool{"help": true, "version": true}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(name) > 1 && names[name] {
			a = "-" + a
		}
		out = append(out, a)
	}
	return out
}
