package systemd

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// logLines is how many of the unit's last journal lines an error carries.
const logLines = 20

// diagnosisTimeout bounds gathering a failure's details: the job's own
// deadline may already have passed.
const diagnosisTimeout = 10 * time.Second

// withLogs adds to a failure what systemd knows about the unit: its state,
// its service result and its last log lines since the failed step began
// (all of them when since is zero).
func (r *service) withLogs(ctx context.Context, err error, since time.Time) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), diagnosisTimeout)
	defer cancel()
	var b strings.Builder
	if conn, cerr := connect(ctx); cerr == nil {
		if o, oerr := observe(ctx, conn, r.unit); oerr == nil {
			fmt.Fprintf(&b, "; %s is %s", r.unit, o.status())
		}
		if strings.HasSuffix(r.unit, ".service") {
			if p, perr := conn.GetServicePropertyContext(ctx, r.unit, "Result"); perr == nil {
				if res, _ := p.Value.Value().(string); res != "" && res != "success" {
					fmt.Fprintf(&b, ", result %s", res)
				}
			}
		}
	}
	if lines := journal(ctx, r.unit, since); lines != "" {
		fmt.Fprintf(&b, "; its last log lines:\n%s", lines)
	}
	return fmt.Errorf("%w%s", err, b.String())
}

// journal returns the unit's last log lines, read with journalctl (the
// journal's C library would need cgo). journald writes asynchronously: a
// sync first makes every line logged so far (a forked child's "failed to
// execute" among them) readable, and an empty answer is asked again a few
// times.
func journal(ctx context.Context, unit string, since time.Time) string {
	// Best effort: without privileges the sync fails and the read may lag.
	_ = exec.CommandContext(ctx, "journalctl", "--sync").Run()
	args := []string{"--unit", unit, "--lines", strconv.Itoa(logLines), "--no-pager", "--quiet", "--output", "cat"}
	if !since.IsZero() {
		// A second early: the journal and this clock round differently.
		args = append(args, "--since", "@"+strconv.FormatInt(since.Unix()-1, 10))
	}
	for attempt := 1; ; attempt++ {
		out, err := exec.CommandContext(ctx, "journalctl", args...).Output()
		text := strings.TrimSpace(string(out))
		switch {
		case text != "":
			return text
		case err != nil:
			return "(journalctl: " + err.Error() + ")"
		case attempt == 5:
			return ""
		}
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(200 * time.Millisecond):
		}
	}
}
