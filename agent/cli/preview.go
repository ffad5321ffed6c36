package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/metrics"
	"github.com/tendhq/tend/agent/source"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
)

// runPreview is tend agent --preview REF: the ref's tip is fetched into
// the preview cache, verified as the main ref's is, checked out there and
// planned for this host. Nothing is applied; the main ref's mirror,
// checkouts, last known good and run marker stay as they are, and the
// run lock is not taken (like tend plan): previews lock only their own
// cache, waiting for another preview up to --wait-for-lock.
func (a *agentOpts) runPreview(ctx context.Context, env *cmdEnv) int {
	name := "agent --preview"
	lock, code, ok := lockRun(ctx, env, name, a.previewDir(), a.waitForLock)
	if !ok {
		return code
	}
	defer lock.Release()
	warnRunning(env, name, a.stateDir)
	noteDisabled(env, name, a.stateDir)
	p, pl := a.makePreview(ctx, env, name, a.preview)
	if pl != nil {
		plan.Render(env.stdout, pl)
	}
	a.writePreview(env, name, p)
	a.writePreviewMetrics(env, name)
	return finished(env, lock, p.ExitCode)
}

// previewDir is the preview cache, which the preview lock guards.
func (a *agentOpts) previewDir() string {
	return a.sourceConfig(source.Signers{}).ForPreview(a.ref).Dir
}

// makePreview previews ref: its report, and its plan unless it was
// refused (which is said on stderr, naming the ref). The caller holds
// the preview lock and records the report.
func (a *agentOpts) makePreview(ctx context.Context, env *cmdEnv, name, ref string) (*report.Preview, *plan.Plan) {
	host, _ := os.Hostname()
	p := &report.Preview{Ref: ref, Node: a.node, Host: host, Source: report.Source{Repo: a.source}, Started: time.Now().UTC()}
	if a.root != "/" {
		p.Root = a.root
	}
	pl, err := a.previewPlan(ctx, env, a.sourceConfig(source.Signers{}).ForPreview(ref), p)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend %s: refusing to preview %s: %v\n", name, ref, err)
		p.SetRefused(err)
	} else {
		p.SetPlan(pl)
	}
	p.DurationSec = time.Since(p.Started).Seconds()
	return p, pl
}

// previewPlan fetches, verifies, checks out, loads and plans the tip of
// p's ref, recording in p what it learns on the way (the commit, once
// resolved; the signer, once verified; the configuration's digest).
func (a *agentOpts) previewPlan(ctx context.Context, env *cmdEnv, cfg source.Config, p *report.Preview) (*plan.Plan, error) {
	var err error
	if cfg.Signers, err = source.LoadSigners(a.signers); err != nil {
		return nil, err
	}
	src, err := source.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	p.Source.Repo = src.URL()
	commit, err := src.Fetch(ctx)
	if err != nil {
		return nil, err
	}
	p.Source.ID = commit
	v, err := src.Verify(ctx, commit)
	if err != nil {
		return nil, err
	}
	p.Source.Signer = v.Signer().String()
	co, err := src.Checkout(ctx, v)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(env.stdout, "Preview: %s %s at commit %s, signed by %s. Nothing is applied.\n", src.URL(), p.Ref, co.Commit, co.Signer)
	cat, err := a.load(ctx, env, co)
	if err != nil {
		return nil, err
	}
	p.Source.Digest = cat.Digest
	return a.planPreview(ctx, env, cat, co)
}

// planPreview plans the checkout's catalog as tend plan does, against
// this host's root and state directory, which it only reads.
func (a *agentOpts) planPreview(ctx context.Context, env *cmdEnv, cat *config.Catalog, co source.Checkout) (*plan.Plan, error) {
	c := a.common
	c.repo = co.Dir
	pl, err := makePlan(ctx, env, cat, &c)
	if err != nil {
		return nil, fmt.Errorf("planning commit %s: %w", co.Commit, err)
	}
	return pl, nil
}

// writePreview writes the preview report; failing does not change the
// exit code: the preview itself was made.
func (a *agentOpts) writePreview(env *cmdEnv, name string, p *report.Preview) {
	path, err := report.WritePreview(a.stateDir, p)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend %s: writing the preview report of %s: %v\n", name, p.Ref, err)
	} else {
		fmt.Fprintf(env.stdout, "Preview report: %s\n", path)
	}
}

// writePreviewMetrics writes the previews' metrics from every preview
// report in the state directory, so each ref previewed keeps its series
// and a removed report loses them. Failing does not change the exit
// code.
func (a *agentOpts) writePreviewMetrics(env *cmdEnv, name string) {
	if a.ops.metricsFile == "" {
		return
	}
	out := metrics.PreviewPath(a.ops.metricsFile)
	if _, err := os.Stat(filepath.Dir(out)); errors.Is(err, fs.ErrNotExist) {
		return // no node_exporter to read it
	}
	ps, problems := metrics.CollectPreviews(a.stateDir)
	for _, e := range problems {
		fmt.Fprintf(env.stderr, "tend %s: warning: left out of the metrics: %v\n", name, e)
	}
	if err := metrics.WritePreviews(out, ps); err != nil {
		fmt.Fprintf(env.stderr, "tend %s: metrics: %v\n", name, err)
	}
}

// noteDisabled says that scheduled runs are disabled: a preview changes
// nothing, so it goes ahead all the same.
func noteDisabled(env *cmdEnv, name, stateDir string) {
	s, err := disable.Peek(stateDir, time.Now())
	switch {
	case err != nil:
		fmt.Fprintf(env.stderr, "tend %s: warning: %v\n", name, err)
	case s != nil:
		fmt.Fprintf(env.stderr, "tend %s: note: scheduled runs are %s; a preview changes nothing, so it goes ahead\n", name, s)
	}
}
