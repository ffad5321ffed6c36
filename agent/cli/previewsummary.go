package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/agent/preview"
	"github.com/tendhq/tend/resources/report"
)

func newPreviewSummaryCmd(env *cmdEnv) *cobra.Command {
	return &cobra.Command{
		Use:   "preview-summary DIR",
		Short: "summarize the preview reports (agent --preview) collected from hosts",
		Long: "Reads every preview report (*.json) under DIR, e.g. DIR/HOST/previews/REF.json\n" +
			"collected from each host's state directory, and prints one row per host and ref.\n" +
			"Exit code 0: no preview failed; 4: some preview was refused or could not plan; 1: nothing to read.",
		Example: "  tend preview-summary /srv/collected-previews",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runPreviewSummary(env, args)
		}),
	}
}

// runPreviewSummary prints a table of the preview reports collected from
// hosts under a directory; it exits 4 when any preview failed.
func runPreviewSummary(env *cmdEnv, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, "tend preview-summary: give one directory of collected preview reports")
		return exitUsage
	}
	dir := args[0]
	f, err := preview.Collect(dir)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend preview-summary: %v\n", err)
		return exitUsage
	}
	for _, s := range f.Skipped {
		fmt.Fprintf(env.stderr, "tend preview-summary: skipped %v\n", s.Err)
	}
	if len(f.Hosts) == 0 {
		fmt.Fprintf(env.stderr, "tend preview-summary: no preview reports under %s\n", dir)
		return exitUsage
	}
	f.Write(env.stdout)
	if f.Failed() {
		return report.ExitFailures
	}
	return report.ExitNoChanges
}
