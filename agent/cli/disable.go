package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/agent/disable"
)

func newDisableCmd(env *cmdEnv) *cobra.Command {
	var reason, stateDir string
	var dur time.Duration
	cmd := &cobra.Command{
		Use:   "disable --reason TEXT [flags]",
		Short: "stop scheduled runs, saying why (and for how long)",
		Long: "Stops scheduled runs (tend agent exits 3 and does nothing) until tend enable, or until --for\n" +
			"has passed. A run by hand goes ahead and says the agent is disabled.",
		Example: "  tend disable --reason \"kernel upgrade, back by 15:00\" --for 2h",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runDisable(env, stateDir, reason, dur, args)
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the agent is disabled (required; shown by every skipped run and by tend check)")
	cmd.Flags().DurationVar(&dur, "for", 0, "lift the disable by itself after this long, e.g. 2h (default: until tend enable)")
	cmd.Flags().StringVar(&stateDir, "state-dir", "/var/lib/tend", "tend's state directory")
	return cmd
}

// runDisable stops scheduled runs until `tend enable` or until --for has
// passed.
func runDisable(env *cmdEnv, stateDir, reason string, dur time.Duration, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "tend disable: unexpected argument %q (quote the reason: --reason \"...\")\n", args[0])
		return exitUsage
	}
	s, err := disable.Disable(stateDir, reason, dur, time.Now())
	if err != nil {
		fmt.Fprintf(env.stderr, "tend disable: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(env.stdout, "Agent %s.\n", s)
	return 0
}

func newEnableCmd(env *cmdEnv) *cobra.Command {
	var stateDir string
	cmd := &cobra.Command{
		Use:     "enable [flags]",
		Short:   "let scheduled runs converge the host again",
		Long:    "Lifts a disable (tend disable): the next scheduled run converges the host again.",
		Example: "  tend enable --state-dir /var/lib/tend",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runEnable(env, stateDir, args)
		}),
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", "/var/lib/tend", "tend's state directory")
	return cmd
}

// runEnable lifts a disable.
func runEnable(env *cmdEnv, stateDir string, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "tend enable: unexpected argument %q\n", args[0])
		return exitUsage
	}
	s, err := disable.Enable(stateDir)
	switch {
	case err != nil:
		fmt.Fprintf(env.stderr, "tend enable: %v\n", err)
		return exitUsage
	case s == nil:
		fmt.Fprintln(env.stdout, "Agent was not disabled.")
	default:
		fmt.Fprintf(env.stdout, "Agent enabled (was %s).\n", s)
	}
	return 0
}
