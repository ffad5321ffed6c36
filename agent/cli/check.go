package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/tendhq/tend/agent/check"
	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/resources/report"
)

// runCheck is a Nagios/Icinga plugin: one status line, exit 0-3.
func runCheck(_ context.Context, env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("tend check", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	stateDir := fs.String("state-dir", "/var/lib/tend", "tend's state directory (the plugin must be able to read it)")
	var th check.Thresholds
	fs.DurationVar(&th.WarnAge, "warn-age", check.DefaultWarnAge, "WARNING when the last run is older than this")
	fs.DurationVar(&th.CritAge, "crit-age", check.DefaultCritAge, "CRITICAL when the last run is older than this")
	fs.BoolVar(&th.FailuresWarn, "failures-warn", false, "failed or skipped resources are a WARNING instead of CRITICAL")
	if code, ok := parse(fs, args); !ok {
		if code != 0 {
			code = int(check.Unknown) // the plugin guidelines' answer to bad arguments
		}
		return code
	}
	if fs.NArg() > 0 || th.WarnAge <= 0 || th.CritAge < th.WarnAge {
		fmt.Fprintln(env.stdout, "TEND UNKNOWN - usage: tend check [--state-dir DIR] [--warn-age D] [--crit-age D >= warn-age] [--failures-warn]")
		return int(check.Unknown)
	}
	now := time.Now()
	in := check.Input{Now: now}
	in.Summary, in.SummaryErr = report.ReadSummary(*stateDir)
	in.Disabled, in.DisabledErr = disable.Peek(*stateDir, now)
	in.Run, in.RunErr = runlock.Peek(*stateDir)
	if in.Summary != nil || in.Run.Last != nil {
		in.Unwritable = runlock.Writable(*stateDir)
	}
	r := check.Evaluate(in, th)
	fmt.Fprintln(env.stdout, r)
	return int(r.Status)
}
