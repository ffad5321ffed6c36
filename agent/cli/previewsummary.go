package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/tendhq/tend/agent/preview"
	"github.com/tendhq/tend/resources/report"
)

// runPreviewSummary prints a table of the preview reports collected from
// hosts under a directory; it exits 4 when any preview failed.
func runPreviewSummary(_ context.Context, env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("tend preview-summary", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: tend preview-summary DIR\n\nReads every preview report (*.json) under DIR, e.g. DIR/HOST/previews/REF.json\ncollected from each host's state directory, and prints one row per host and ref.\nExit code 0: no preview failed; 4: some preview was refused or could not plan; 1: nothing to read.\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.stderr, "tend preview-summary: give one directory of collected preview reports")
		return exitUsage
	}
	dir := fs.Arg(0)
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
