package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/providers/plugin"
	"github.com/tendhq/tend/resources"
)

// providerFlags say where resource kinds come from and how their
// providers run.
type providerFlags struct {
	pluginDir string
	mode      string
	timeout   time.Duration
}

const (
	inProcess  = "in-process"
	subprocess = "subprocess"
)

func (p *providerFlags) defaults(host hostDefault) {
	p.pluginDir, p.mode, p.timeout = plugin.DefaultPluginDir, host.providers, 5*time.Minute
}

func (p *providerFlags) add(fs *pflag.FlagSet, which repoFlags) {
	if which&withPluginDir != 0 {
		fs.StringVar(&p.pluginDir, "plugin-dir", p.pluginDir,
			"directory of external provider executables (tend-provider-NAME); each must be pinned in the repository's "+plugin.LockFile)
	}
	if which&withProviderMode != 0 {
		fs.StringVar(&p.mode, "providers", p.mode,
			`run the built-in providers "in-process" or each as a "subprocess"; TEND_PROVIDERS sets the default`)
		annotateHostDefault(fs, "providers", "in-process, or $TEND_PROVIDERS")
	}
	if which&withTimeout != 0 {
		fs.DurationVar(&p.timeout, "provider-timeout", p.timeout,
			"how long a provider process may take to apply or refresh one resource (any other call: at most 1m) before it is killed")
	}
}

func (p *providerFlags) deadlines() plugin.Deadlines {
	return plugin.Deadlines{Apply: p.timeout, Call: min(p.timeout, time.Minute)}
}

// openProviders starts the run's providers; Main kills them on return.
func openProviders(env *cmdEnv, c *common) (*resources.Registry, bool) {
	f := c.providers
	if f.mode != inProcess && f.mode != subprocess {
		fmt.Fprintf(env.stderr, "tend: --providers must be %q or %q, not %q\n", inProcess, subprocess, f.mode)
		return nil, false
	}
	set, err := plugin.Open(context.Background(), plugin.Options{
		Builtin: providers.Builtins(), Subprocess: f.mode == subprocess,
		PluginDir: f.pluginDir, LockFile: filepath.Join(c.repo, plugin.LockFile), Deadlines: f.deadlines(),
	})
	if err != nil {
		fmt.Fprintf(env.stderr, "tend: %v\n", err)
		return nil, false
	}
	env.providers = set
	return set.Registry, true
}

const providersUsage = "Usage: tend providers lock [--repo DIR] [--plugin-dir DIR]\n\n" +
	"Pins every provider executable in the plugin directory in the repository's " + plugin.LockFile + ",\n" +
	"after checking that each answers as a tend provider. tend refuses to run any other."

// newProvidersCmd is `tend providers lock`, and the hidden `tend
// providers serve NAME` with which tend serves a built-in provider to
// itself.
func newProvidersCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "pin the external provider binaries the repository trusts",
		Long:  strings.TrimPrefix(providersUsage, "Usage: tend providers lock [--repo DIR] [--plugin-dir DIR]\n\n"),
		Run: runs(env, func(_ context.Context, cmd *cobra.Command, args []string) int {
			fmt.Fprintln(env.stderr, providersUsage)
			suggestSubcommand(env, cmd, args)
			return exitUsage
		}),
	}
	var c common
	lock := &cobra.Command{
		Use:     "lock [flags]",
		Short:   "pin every provider executable of the plugin directory in " + plugin.LockFile,
		Example: "  tend providers lock --repo /srv/nodes --plugin-dir /usr/lib/tend/providers",
		Args:    cobra.NoArgs,
		Run: runs(env, func(ctx context.Context, _ *cobra.Command, _ []string) int {
			return runProvidersLock(ctx, env, &c)
		}),
	}
	c.addFlags(lock.Flags(), env, host, withPluginDir|withTimeout)
	serve := &cobra.Command{
		Use:                "serve NAME",
		Hidden:             true,
		DisableFlagParsing: true,
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return serveBuiltin(env, args)
		}),
	}
	cmd.AddCommand(lock, serve)
	return cmd
}

// runProvidersLock pins the plugin directory's providers.
func runProvidersLock(ctx context.Context, env *cmdEnv, c *common) int {
	if _, err := os.Stat(filepath.Join(c.repo, "nodes")); err != nil {
		fmt.Fprintf(env.stderr, "tend providers lock: %s is not a node repository (no nodes/ directory)\n", c.repo)
		return exitUsage
	}
	found, err := plugin.FindExternal(c.providers.pluginDir)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend providers lock: %v\n", err)
		return exitUsage
	}
	lock := plugin.Lock{}
	for _, f := range found {
		sum, kinds, err := probe(ctx, f, c.providers.deadlines())
		if err != nil {
			fmt.Fprintf(env.stderr, "tend providers lock: %s: %v\nNothing was written.\n", f.Path, err)
			return exitUsage
		}
		lock[f.Name] = sum
		fmt.Fprintf(env.stdout, "%s: sha256 %s, kinds: %s\n", f.Name, sum, strings.Join(kinds, ", "))
	}
	path := filepath.Join(c.repo, plugin.LockFile)
	if err := plugin.WriteLock(path, lock); err != nil {
		fmt.Fprintf(env.stderr, "tend providers lock: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(env.stdout, "Pinned %d provider(s) from %s in %s.\n", len(lock), c.providers.pluginDir, path)
	return 0
}

// probe hashes a provider executable and runs exactly those bytes once to
// learn its kinds.
func probe(ctx context.Context, f plugin.External, d plugin.Deadlines) (string, []string, error) {
	sum, err := plugin.FileSum(f.Path)
	if err != nil {
		return "", nil, err
	}
	p, err := plugin.Start(plugin.Command{Name: f.Name, Path: f.Path, Args: []string{plugin.ExecPrefix + f.Name}, Sum: sum}, d)
	if err != nil {
		return "", nil, err
	}
	defer p.Kill()
	schemas, err := p.Schemas(ctx)
	if err != nil {
		return "", nil, err
	}
	kinds := make([]string, len(schemas))
	for i, s := range schemas {
		kinds[i] = s.Kind
	}
	return hex.EncodeToString(sum), kinds, nil
}

func serveBuiltin(env *cmdEnv, args []string) int {
	all := providers.Builtins()
	if len(args) != 1 || all[args[0]] == nil {
		fmt.Fprintln(env.stderr, "tend providers serve: name one built-in provider; this command is for tend's own use")
		return exitUsage
	}
	plugin.Serve(plugin.Local(all[args[0]]...))
	return 0
}
