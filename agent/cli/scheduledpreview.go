package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/metrics"
	"github.com/tendhq/tend/agent/preview"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/agent/source"
	"github.com/tendhq/tend/resources/report"
)

// scheduledName is how a scheduled run's previews name themselves.
const scheduledName = "agent"

// runThenPreview is one scheduled run, then its previews. The previews
// come after the run has finished, recorded itself and released the run
// lock, and hold only the preview lock: a run started by hand meanwhile
// goes ahead. The scheduled process (or --daemon's iteration) ends once
// they are done, at most MaxPerRun plans later. They are left out when
// the run did not happen (another held the lock, or the agent is
// disabled) and when this run is the fallback of a crash (which may have
// been a preview's). What they do never changes the run's exit code,
// report, metrics or last known good.
func (a *agentOpts) runThenPreview(ctx context.Context, env *cmdEnv) int {
	fallback := env.fallback != ""
	code := a.run(ctx, env)
	env.link.RunOver(code)
	env.run = nil
	if fallback || code == runlock.ExitLocked || code == disable.ExitDisabled {
		return code
	}
	a.scheduledPreviews(ctx, env)
	return code
}

// scheduledPreviews previews the branches matching preview_refs whose
// tips are recent and not previewed yet, and removes the reports of
// those gone or too old, then rewrites the previews' metrics. A branch
// whose last preview (refused or not) was of its current tip is not
// previewed again.
func (a *agentOpts) scheduledPreviews(ctx context.Context, env *cmdEnv) {
	sched := preview.Schedule{Patterns: a.previewRefs, For: a.previewFor}
	if len(sched.Patterns) == 0 {
		return
	}
	env.providers.Close() // the run's
	env.providers = nil
	log := agentLogger(env)
	dir := a.previewDir()
	if err := ensureStateDir(dir); err != nil {
		log.Error("previews left out", "err", err.Error())
		return
	}
	lock, err := runlock.Wait(ctx, dir, runlock.Holder{PID: env.visiblePID(), Command: "tend agent (previews)"}, 0)
	if err != nil {
		log.Warn("previews left out until the next run", "err", err.Error())
		return
	}
	defer lock.Release()
	due, err := a.duePreviews(ctx, sched)
	if err != nil {
		log.Error("previews left out: cannot list the source's branches", "err", err.Error())
		finished(env, lock, 0)
		return
	}
	for _, ref := range due.Stale {
		a.removePreview(env, log, ref)
	}
	for _, b := range due.Preview {
		a.scheduledPreview(ctx, env, log, b)
	}
	for _, b := range due.Deferred {
		log.Info("preview left to a later run", "ref", b.Name, "commit", b.Commit, "max_per_run", preview.MaxPerRun)
	}
	if len(due.Stale)+len(due.Preview) > 0 {
		a.writePreviewMetrics(env, scheduledName)
	}
	finished(env, lock, 0)
}

// duePreviews fetches the source's branches into the preview cache and
// says which to preview and which reports to remove.
func (a *agentOpts) duePreviews(ctx context.Context, sched preview.Schedule) (preview.Due, error) {
	signers, err := source.LoadSigners(a.signers)
	if err != nil {
		return preview.Due{}, err
	}
	src, err := source.Open(ctx, a.sourceConfig(signers).ForPreview(a.ref))
	if err != nil {
		return preview.Due{}, err
	}
	defer src.Close()
	branches, err := src.FetchBranches(ctx)
	if err != nil {
		return preview.Due{}, err
	}
	previewed := map[string]string{}
	ps, _ := metrics.CollectPreviews(a.stateDir) // a damaged report is replaced
	for _, p := range ps {
		previewed[p.Ref] = p.Source.ID
	}
	return sched.Select(branches, previewed, time.Now()), nil
}

// scheduledPreview previews one branch through the same steps as tend
// agent --preview, writes its report and says in one line what it found.
func (a *agentOpts) scheduledPreview(ctx context.Context, env *cmdEnv, log *slog.Logger, b source.Branch) {
	sub := *env
	sub.stdout = io.Discard // one line per preview, not its plan
	p, _ := a.makePreview(ctx, &sub, scheduledName, b.Name)
	sub.providers.Close()
	a.writePreview(&sub, scheduledName, p)
	commit := p.Source.ID
	if commit == "" {
		commit = b.Commit
	}
	if p.Refused != "" {
		log.Warn("preview refused", "ref", p.Ref, "commit", commit, "err", p.Refused)
		return
	}
	fmt.Fprintf(env.stdout, "Preview of %s at commit %s: %d to change, %d failed (exit code %d).\n",
		p.Ref, commit, p.Summary.Changed, p.Summary.Failed+p.Summary.Skipped, p.ExitCode)
	log.Info("preview", "ref", p.Ref, "commit", commit, "changes", p.Summary.Changed,
		"failed", p.Summary.Failed+p.Summary.Skipped, "exit_code", p.ExitCode)
}

// removePreview removes the report of a ref the schedule no longer
// previews (gone from the source, or its tip too old).
func (a *agentOpts) removePreview(env *cmdEnv, log *slog.Logger, ref string) {
	if err := report.RemovePreview(a.stateDir, ref); err != nil {
		fmt.Fprintf(env.stderr, "tend %s: %v\n", scheduledName, err)
		return
	}
	log.Info("preview report removed: the branch is gone or its tip too old", "ref", ref)
}
