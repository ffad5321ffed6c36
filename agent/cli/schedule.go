package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/units"
)

func newAgentInstallCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	o := units.Default()
	o.Binary = host.binary
	var root string
	cmd := &cobra.Command{
		Use:   "install [flags]",
		Short: "write and enable the systemd units that schedule the agent",
		Long: "Writes tend.service and tend.timer (or, with --daemon, a Type=notify service) to\n" +
			"/etc/systemd/system and enables them; with --root, into that tree, enabled offline.",
		Example: "  tend agent install --interval 30m --splay 5m\n  tend agent install --daemon",
		Run: runs(env, func(ctx context.Context, _ *cobra.Command, args []string) int {
			return runAgentInstall(ctx, env, o, root, args)
		}),
	}
	fs := cmd.Flags()
	fs.DurationVar(&o.Interval, "interval", o.Interval, "time between the starts of two runs (at least 1m)")
	fs.DurationVar(&o.Splay, "splay", o.Splay, "random delay of up to this much added to each run, so hosts do not pull at once")
	fs.StringVar(&o.Config, "config", units.DefaultConfig, "the agent configuration the runs use")
	fs.StringVar(&o.Binary, "binary", o.Binary, "the tend binary the units run")
	annotateHostDefault(fs, "binary", "this tend's own path")
	fs.BoolVar(&o.Daemon, "daemon", false, "run tend agent --daemon as a Type=notify service instead of a timer")
	fs.StringVar(&root, "root", "/", "install into this tree, enabling offline (it starts the agent when it boots)")
	return cmd
}

// runAgentInstall writes and activates the systemd units that schedule
// the agent (tend agent install).
func runAgentInstall(ctx context.Context, env *cmdEnv, o units.Options, root string, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "tend agent install: unexpected argument %q\n", args[0])
		return exitUsage
	}
	if !mayChangeHost(env, "agent install", root) {
		return exitUsage
	}
	did, err := units.Install(ctx, o, root)
	for _, d := range did {
		fmt.Fprintln(env.stdout, d)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "tend agent install: %v\n", err)
		return exitUsage
	}
	return 0
}

// selfPath is the running binary's path, for the units to run.
func selfPath() string {
	p, err := os.Executable()
	if err != nil {
		return units.DefaultBinary
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// daemonFlags are tend agent's flags for running as a daemon.
type daemonFlags struct {
	on              bool
	interval, splay time.Duration
}

func (d *daemonFlags) add(fs *pflag.FlagSet) {
	fs.BoolVar(&d.on, "daemon", false, "run every --interval (plus splay) until stopped, as a systemd Type=notify service")
	fs.DurationVar(&d.interval, "interval", units.DefaultInterval, "time between the starts of two runs: with --daemon, the loop's; without, the timer's (tend.service passes it), for the metrics")
	fs.DurationVar(&d.splay, "splay", units.DefaultSplay, "with --daemon: random delay of up to this much added to each wait")
}

// runDaemon runs one agent run after another until ctx ends.
func runDaemon(ctx context.Context, env *cmdEnv, d daemonFlags, run units.RunFunc) int {
	if err := units.Daemon(ctx, units.Loop{Interval: d.interval, Splay: d.splay}, run); err != nil {
		fmt.Fprintf(env.stderr, "tend agent --daemon: %v\n", err)
		return exitUsage
	}
	return 0
}
