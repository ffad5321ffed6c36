package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/agent/source"
	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources/report"
)

const agentLong = `Fetches the node repository from --source, verifies the tip's signature against --signers,
refuses a rollback, checks it out, validates it and applies it; when any of that fails, applies
the last known good commit instead and says so. Flags not given are taken from the settings file
(--config). With --preview REF, plans REF's signed tip for this host and applies nothing.
Exit code: as tend apply, plus 8 when the last known good commit was applied instead of the tip
(8 to 14); 3: the agent is disabled (tend disable); 5: another run holds the lock.`

func newAgentCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	a := &agentOpts{}
	cmd := &cobra.Command{
		Use:   "agent [flags]",
		Short: "fetch the signed node repository and converge the host (one run)",
		Long:  agentLong,
		Example: "  tend agent --source ssh://git@config.example.org/nodes.git --signers /etc/tend/signers\n" +
			"  tend agent --preview preview/new-relay\n" +
			"  tend agent --daemon --interval 30m",
		Run: runs(env, func(ctx context.Context, cmd *cobra.Command, args []string) int {
			if code, ok := a.checkAgent(env, cmd, args); !ok {
				return code
			}
			return runAgent(ctx, env, a)
		}),
	}
	a.addFlags(cmd.Flags(), env, host)
	cmd.MarkFlagsMutuallyExclusive("quiet", "verbose")
	cmd.AddCommand(newAgentInstallCmd(env, host))
	return cmd
}

// runAgent is one agent run: take the run lock, fetch the source, verify
// the tip's signature, refuse a rollback, check it out, validate it and
// apply it; when any of that fails, apply the last known good commit
// instead and say so.
func runAgent(ctx context.Context, env *cmdEnv, a *agentOpts) int {
	env.colour(a.noColor)
	if a.preview != "" {
		if !mayPlan(env, "agent --preview", a.root, a.stateDir) {
			return exitUsage
		}
		return a.runPreview(ctx, env)
	}
	if !mayChangeHost(env, "agent", a.root) {
		return exitUsage
	}
	if a.ops.daemon.on {
		return runDaemon(ctx, env, a.ops.daemon, func(ctx context.Context) int {
			defer func() {
				env.providers.Close()
				env.providers = nil
				supervise.Sweep() // what the run's commands left running
			}()
			return a.runThenPreview(ctx, env)
		})
	}
	return a.runThenPreview(ctx, env)
}

// run is one run, in the order the steps happen.
func (a *agentOpts) run(ctx context.Context, env *cmdEnv) int {
	defer func() { env.fallback = "" }() // a daemon's next run tries the tip again
	log := agentLogger(env)
	lock, code, ok := lockRun(ctx, env, "agent", a.stateDir, a.waitForLock)
	if !ok {
		if code != runlock.ExitLocked { // e.g. a state directory runs cannot write
			log.Error("cannot take the run lock; not running", "state_dir", a.stateDir)
			writeMetrics(env, log, a.stateDir, a.ops.metrics())
		}
		return code
	}
	defer lock.Release()
	env.announce(supervise.Run{Command: "agent", Repo: a.source, Node: a.node, Root: a.root, StateDir: a.stateDir,
		Started: time.Now(), MetricsFile: a.ops.metricsFile, Interval: a.ops.metrics().interval, Fallback: env.fallback != ""})
	if code, skip := skipDisabled(env, log, lock, a.stateDir, a.ops.metrics()); skip {
		return code
	}
	src, err := a.openSource(ctx)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend agent: %v\n", err)
		return finished(env, lock, exitUsage)
	}
	defer src.Close()
	var co source.Checkout
	var cat *config.Catalog
	var why error
	if env.fallback != "" {
		why = errors.New(env.fallback) // the tip crashed tend: not again
	} else {
		co, cat, why = a.tip(ctx, env, src)
	}
	if why != nil {
		fmt.Fprintf(env.stderr, "tend agent: %v\n", why)
		if co, cat, err = a.lastKnownGood(ctx, env, src); err != nil {
			fmt.Fprintf(env.stderr, "tend agent: %v\n", err)
			return finished(env, lock, exitUsage)
		}
	}
	code = apply(ctx, env, lock, cat, &a.common, reportSource(src, co, why))
	if why == nil {
		if err := src.MarkGood(ctx, co); err != nil {
			fmt.Fprintf(env.stderr, "tend agent: %v\n", err)
		}
	}
	recordRun(env, log, a.stateDir, a.ops.metrics(), code)
	return code
}

func (a *agentOpts) openSource(ctx context.Context) (*source.Source, error) {
	signers, err := source.LoadSigners(a.signers)
	if err != nil {
		return nil, err
	}
	return source.Open(ctx, a.sourceConfig(signers))
}

// tip fetches, verifies, checks out and validates the source's tip. An
// error says why it cannot be applied.
func (a *agentOpts) tip(ctx context.Context, env *cmdEnv, src *source.Source) (source.Checkout, *config.Catalog, error) {
	commit, err := src.Fetch(ctx)
	if err != nil {
		return source.Checkout{}, nil, err
	}
	v, err := src.Verify(ctx, commit)
	if err != nil {
		return source.Checkout{}, nil, err
	}
	if err := src.CheckRollback(ctx, commit); err != nil {
		return source.Checkout{}, nil, err
	}
	co, err := src.Checkout(ctx, v)
	if err != nil {
		return source.Checkout{}, nil, err
	}
	fmt.Fprintf(env.stdout, "Source: %s %s at commit %s, signed by %s.\n", src.URL(), src.Ref(), co.Commit, co.Signer)
	cat, err := a.load(ctx, env, co)
	return co, cat, err
}

// lastKnownGood loads the last known good checkout, the fallback.
func (a *agentOpts) lastKnownGood(ctx context.Context, env *cmdEnv, src *source.Source) (source.Checkout, *config.Catalog, error) {
	co, ok, err := src.LastKnownGood(ctx)
	switch {
	case err != nil:
		return co, nil, fmt.Errorf("%w; nothing was applied", err)
	case !ok:
		return co, nil, errors.New("there is no last known good commit to fall back on; nothing was applied")
	}
	fmt.Fprintf(env.stdout, "Applying the LAST KNOWN GOOD commit %s instead, signed by %s.\n", co.Commit, co.Signer)
	env.providers.Close() // the tip's, if it got that far
	env.providers = nil
	cat, err := a.load(ctx, env, co)
	if err != nil {
		return co, nil, fmt.Errorf("the last known good commit: %w; nothing was applied", err)
	}
	return co, cat, nil
}

// load validates a checkout for the node and, as tend apply does, reads
// the resources whose computed attributes others depend on; the
// diagnostics go to stderr, and the first of them into the error.
func (a *agentOpts) load(ctx context.Context, env *cmdEnv, co source.Checkout) (*config.Catalog, error) {
	c := a.common
	c.repo = co.Dir
	var diags bytes.Buffer
	sub := *env
	sub.stderr = io.MultiWriter(env.stderr, &diags)
	cat, ok := loadObserved(ctx, &sub, &c)
	env.providers = sub.providers
	if !ok {
		first, _, _ := strings.Cut(strings.TrimSpace(diags.String()), "\n")
		return nil, fmt.Errorf("commit %s does not validate for node %s: %s", co.Commit, a.node, first)
	}
	return cat, nil
}

// reportSource is what the report says about the applied configuration.
func reportSource(src *source.Source, co source.Checkout, why error) report.Source {
	s := report.Source{Repo: src.URL(), ID: co.Commit, Signer: co.Signer.String()}
	if why != nil {
		s.LastKnownGood, s.Why = true, why.Error()
	}
	return s
}
