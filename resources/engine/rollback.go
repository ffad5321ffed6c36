package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/health"
)

// markBlocked shows, in a plan, that node i's change will not be applied
// because an earlier run rolled the same configuration back.
func (w *walk) markBlocked(i int) {
	bl, ok := w.blocked[i]
	if !ok || !changes(w.out[i].Change.Action) {
		return
	}
	c := &w.out[i].Change
	c.Reason = "BLOCKED, " + bl.Why() + "; " + c.Reason
	c.Warnings = append(c.Warnings, blockedHow(bl, w.out[i].Addr))
}

// checkHealth runs node i's health checks after its refresh, unless the
// refresh reached no running process (an alternate root).
func (w *walk) checkHealth(ctx context.Context, i int) error {
	checks := w.nodes[i].Health
	if len(checks) == 0 {
		return nil
	}
	if l, ok := w.nodes[i].Resource.(resources.Liveness); ok && !l.Live() {
		w.out[i].Events = append(w.out[i].Events, "health checks not run: nothing was refreshed live")
		return nil
	}
	if err := health.Run(ctx, checks); err != nil {
		return err
	}
	w.out[i].Events = append(w.out[i].Events, fmt.Sprintf("health checks passed (%d)", len(checks)))
	return nil
}

// rollback undoes, after node i's health check failed with hErr, every
// change of this run that notified i: each notifier is reverted from the
// copy it kept, i is refreshed again and checked again. Node i and the
// reverted notifiers fail with the health output, and the change is
// recorded as blocked so the next run does not apply it again.
func (w *walk) rollback(ctx context.Context, i int, hErr error) {
	w.rollMu.Lock()
	defer w.rollMu.Unlock()
	reverted, problems := w.revertNotifiers(ctx, i, hErr)
	var after string
	switch {
	case len(reverted) == 0:
		after = "nothing this run changed could be rolled back"
	default:
		after = "rolled back " + strings.Join(reverted, ", ") + "; " + w.recheck(ctx, i)
	}
	msg := hErr.Error() + "; " + after
	if len(problems) > 0 {
		msg += "; " + strings.Join(problems, "; ")
	}
	w.fail(i, errors.New(msg))
	if len(reverted) == 0 {
		return
	}
	var f *health.Failure
	check := hErr.Error()
	if errors.As(hErr, &f) {
		check = f.Check
	}
	bl := Block{Target: w.out[i].Addr, Members: reverted, At: w.opts.Now(), Check: check}
	bl.Digest = MembersDigest(reverted, w.digestOf)
	if err := w.opts.Blocks.Add(bl); err != nil {
		w.out[i].Err += "; " + err.Error()
	}
	w.out[i].Events = append(w.out[i].Events, "blocked "+strings.Join(reverted, ", ")+" until their configuration changes")
}

// revertNotifiers reverts the notifiers of i that changed in this run.
func (w *walk) revertNotifiers(ctx context.Context, i int, hErr error) (reverted, problems []string) {
	for _, n := range w.notifiedBy[i] {
		o := &w.out[n]
		if o.Status != Changed || !changes(o.Change.Action) {
			continue
		}
		rv, ok := w.nodes[n].Resource.(resources.Reverter)
		if !ok {
			problems = append(problems, o.Addr+" cannot be rolled back: its kind keeps no copy")
			continue
		}
		if err := rv.Revert(ctx); err != nil {
			problems = append(problems, fmt.Sprintf("rolling back %s: %v", o.Addr, err))
			w.undone = append(w.undone, undone{n, fmt.Errorf("rolling back after %s (%v) failed: %w", w.out[i].Addr, hErr, err), false})
			continue
		}
		reverted = append(reverted, o.Addr)
		w.undone = append(w.undone, undone{n, fmt.Errorf("rolled back after %s: %w", w.out[i].Addr, hErr), true})
	}
	return reverted, problems
}

// undone is a notifier a rollback reverted (or failed to): it is failed
// once the walk is over, since resources depending on it may be reading
// its outcome until then.
type undone struct {
	n        int
	err      error
	reverted bool
}

// failUndone fails the notifiers rollbacks reverted, after the walk.
func (w *walk) failUndone() {
	for _, u := range w.undone {
		w.fail(u.n, u.err)
		if u.reverted {
			w.out[u.n].Events = append(w.out[u.n].Events, "rolled back")
		}
		w.finished(u.n)
	}
}

// recheck refreshes node i again (or recovers it: a service restarts),
// now with its previous configuration, and runs its health checks again;
// it says how that went.
func (w *walk) recheck(ctx context.Context, i int) string {
	again, what := w.nodes[i].Resource.(resources.Refresher).Refresh, "refreshed"
	if rc, ok := w.nodes[i].Resource.(resources.Recoverer); ok {
		again, what = rc.Recover, "recovered"
	}
	if err := again(ctx); err != nil {
		w.collectOutput(i)
		return what + " again after the rollback, which failed: " + err.Error()
	}
	w.collectOutput(i)
	w.out[i].Events = append(w.out[i].Events, what+" again after the rollback")
	if err := w.checkHealth(ctx, i); err != nil {
		return "after the rollback, " + err.Error()
	}
	return "after the rollback the health checks pass"
}
