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
	cfg := a.sourceConfig(source.Signers{}).ForPreview(a.preview)
	lock, code, ok := lockRun(ctx, env, name, cfg.Dir, a.waitForLock)
	if !ok {
		return code
	}
	defer lock.Release()
	warnRunning(env, name, a.stateDir)
	noteDisabled(env, name, a.stateDir)
	host, _ := os.Hostname()
	p := &report.Preview{Ref: a.preview, Node: a.node, Host: host, Source: report.Source{Repo: a.source}, Started: time.Now().UTC()}
	if a.root != "/" {
		p.Root = a.root
	}
	pl, err := a.previewPlan(ctx, env, cfg, p)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend %s: refusing to preview %s: %v\n", name, a.preview, err)
		p.SetRefused(err)
	} else {
		plan.Render(env.stdout, pl)
		p.SetPlan(pl)
	}
	p.DurationSec = time.Since(p.Started).Seconds()
	a.recordPreview(env, p)
	return finished(env, lock, p.ExitCode)
}

// previewPlan fetches, verifies, checks out, loads and plans the ref's
// tip, recording in p what it learns on the way (the commit, once
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
	fmt.Fprintf(env.stdout, "Preview: %s %s at commit %s, signed by %s. Nothing is applied.\n", src.URL(), a.preview, co.Commit, co.Signer)
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

// recordPreview writes the preview report, then the previews' metrics
// from every preview report in the state directory, so each ref
// previewed keeps its series. Neither failing changes the exit code: the
// preview itself was made.
func (a *agentOpts) recordPreview(env *cmdEnv, p *report.Preview) {
	path, err := report.WritePreview(a.stateDir, p)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend agent --preview: writing the preview report: %v\n", err)
	} else {
		fmt.Fprintf(env.stdout, "Preview report: %s\n", path)
	}
	if a.ops.metricsFile == "" {
		return
	}
	out := metrics.PreviewPath(a.ops.metricsFile)
	if _, err := os.Stat(filepath.Dir(out)); errors.Is(err, fs.ErrNotExist) {
		return // no node_exporter to read it
	}
	ps, problems := metrics.CollectPreviews(a.stateDir)
	for _, e := range problems {
		fmt.Fprintf(env.stderr, "tend agent --preview: warning: left out of the metrics: %v\n", e)
	}
	if err := metrics.WritePreviews(out, ps); err != nil {
		fmt.Fprintf(env.stderr, "tend agent --preview: metrics: %v\n", err)
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
