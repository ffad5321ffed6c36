package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tendhq/tend/resources/engine"
)

// runUnblock forgets the blocks holding an address, so the next run
// applies the rolled-back change again; with --list it shows them.
func runUnblock(_ context.Context, env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("tend unblock", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	stateDir := fs.String("state-dir", "/var/lib/tend", "tend's state directory")
	list := fs.Bool("list", false, "list the blocks instead of clearing one")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	blocks, warning, err := engine.OpenBlocks(existingDir(*stateDir), !*list)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend unblock: %v\n", err)
		return exitUsage
	}
	if warning != "" {
		fmt.Fprintf(env.stderr, "tend unblock: warning: %s\n", warning)
	}
	if *list {
		for _, bl := range blocks.List() {
			fmt.Fprintf(env.stdout, "%s: %s\n", bl.Target, bl.Why())
			for _, m := range bl.Members {
				fmt.Fprintf(env.stdout, "  %s\n", m)
			}
		}
		return 0
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.stderr, "usage: tend unblock [--state-dir DIR] ADDRESS (or --list)")
		return exitUsage
	}
	cleared, err := blocks.Clear(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(env.stderr, "tend unblock: %v\n", err)
		return exitUsage
	}
	if len(cleared) == 0 {
		fmt.Fprintf(env.stdout, "Nothing blocks %s.\n", fs.Arg(0))
		return 0
	}
	for _, bl := range cleared {
		fmt.Fprintf(env.stdout, "Cleared the block on %s (%s); the next run applies it again.\n", strings.Join(bl.Members, ", "), bl.Why())
	}
	return 0
}
