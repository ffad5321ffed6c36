package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/resources/engine"
)

func newUnblockCmd(env *cmdEnv) *cobra.Command {
	var stateDir string
	var list bool
	cmd := &cobra.Command{
		Use:   "unblock [flags] ADDRESS",
		Short: "let a change a failed health check rolled back be applied again",
		Long: "Forgets the blocks holding ADDRESS, so that the next run applies the change a failed health check\n" +
			"rolled back again; with --list, shows the blocks.",
		Example: "  tend unblock --list\n  tend unblock file.nginx_conf",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runUnblock(env, stateDir, list, args)
		}),
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", "/var/lib/tend", "tend's state directory")
	cmd.Flags().BoolVar(&list, "list", false, "list the blocks instead of clearing one")
	return cmd
}

// runUnblock forgets the blocks holding an address, so the next run
// applies the rolled-back change again; with --list it shows them.
func runUnblock(env *cmdEnv, stateDir string, list bool, args []string) int {
	blocks, warning, err := engine.OpenBlocks(existingDir(stateDir), !list)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend unblock: %v\n", err)
		return exitUsage
	}
	if warning != "" {
		fmt.Fprintf(env.stderr, "tend unblock: warning: %s\n", warning)
	}
	if list {
		for _, bl := range blocks.List() {
			fmt.Fprintf(env.stdout, "%s: %s\n", bl.Target, bl.Why())
			for _, m := range bl.Members {
				fmt.Fprintf(env.stdout, "  %s\n", m)
			}
		}
		return 0
	}
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, "usage: tend unblock [--state-dir DIR] ADDRESS (or --list)")
		return exitUsage
	}
	cleared, err := blocks.Clear(args[0])
	if err != nil {
		fmt.Fprintf(env.stderr, "tend unblock: %v\n", err)
		return exitUsage
	}
	if len(cleared) == 0 {
		fmt.Fprintf(env.stdout, "Nothing blocks %s.\n", args[0])
		return 0
	}
	for _, bl := range cleared {
		fmt.Fprintf(env.stdout, "Cleared the block on %s (%s); the next run applies it again.\n", strings.Join(bl.Members, ", "), bl.Why())
	}
	return 0
}
