package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/tendhq/tend/agent/disable"
)

// runDisable stops scheduled runs until `tend enable` or until --for has
// passed.
func runDisable(_ context.Context, env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("tend disable", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	reason := fs.String("reason", "", "why the agent is disabled (required; shown by every skipped run and by tend check)")
	dur := fs.Duration("for", 0, "lift the disable by itself after this long, e.g. 2h (default: until tend enable)")
	stateDir := fs.String("state-dir", "/var/lib/tend", "tend's state directory")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "tend disable: unexpected argument %q (quote the reason: --reason \"...\")\n", fs.Arg(0))
		return exitUsage
	}
	s, err := disable.Disable(*stateDir, *reason, *dur, time.Now())
	if err != nil {
		fmt.Fprintf(env.stderr, "tend disable: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(env.stdout, "Agent %s.\n", s)
	return 0
}

// runEnable lifts a disable.
func runEnable(_ context.Context, env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("tend enable", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	stateDir := fs.String("state-dir", "/var/lib/tend", "tend's state directory")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "tend enable: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	s, err := disable.Enable(*stateDir)
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
