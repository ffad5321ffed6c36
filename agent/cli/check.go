package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/agent/check"
	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/resources/report"
)

func newCheckCmd(env *cmdEnv) *cobra.Command {
	var stateDir string
	var th check.Thresholds
	cmd := &cobra.Command{
		Use:   "check [flags]",
		Short: "Nagios/Icinga plugin: the agent's health from its last run",
		Long: "Says, in one line with performance data, how the agent's last run went and how long ago.\n" +
			"Exit code 0: OK; 1: WARNING; 2: CRITICAL; 3: UNKNOWN (also for bad arguments), as monitoring plugins do.",
		Example: "  tend check --warn-age 2h --crit-age 6h",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runCheck(env, stateDir, th, args)
		}),
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", "/var/lib/tend", "tend's state directory (the plugin must be able to read it)")
	cmd.Flags().DurationVar(&th.WarnAge, "warn-age", check.DefaultWarnAge, "WARNING when the last run is older than this")
	cmd.Flags().DurationVar(&th.CritAge, "crit-age", check.DefaultCritAge, "CRITICAL when the last run is older than this")
	cmd.Flags().BoolVar(&th.FailuresWarn, "failures-warn", false, "failed or skipped resources are a WARNING instead of CRITICAL")
	cmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		// the plugin guidelines' answer to bad arguments
		return &flagError{err: suggestFlag(cmd, err), code: int(check.Unknown)}
	})
	return cmd
}

// runCheck is a Nagios/Icinga plugin: one status line, exit 0-3.
func runCheck(env *cmdEnv, stateDir string, th check.Thresholds, args []string) int {
	if len(args) > 0 || th.WarnAge <= 0 || th.CritAge < th.WarnAge {
		fmt.Fprintln(env.stdout, "TEND UNKNOWN - usage: tend check [--state-dir DIR] [--warn-age D] [--crit-age D >= warn-age] [--failures-warn]")
		return int(check.Unknown)
	}
	now := time.Now()
	in := check.Input{Now: now}
	in.Summary, in.SummaryErr = report.ReadSummary(stateDir)
	in.Disabled, in.DisabledErr = disable.Peek(stateDir, now)
	in.Run, in.RunErr = runlock.Peek(stateDir)
	if in.Summary != nil || in.Run.Last != nil {
		in.Unwritable = runlock.Writable(stateDir)
	}
	r := check.Evaluate(in, th)
	fmt.Fprintln(env.stdout, r)
	return int(r.Status)
}
