package cli

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/preview"
	"github.com/tendhq/tend/agent/settings"
	"github.com/tendhq/tend/agent/source"
	"github.com/tendhq/tend/config"
)

// agentOpts are tend agent's settings: the common flags, then its own.
type agentOpts struct {
	common
	config        string
	source, ref   string
	signers       string
	allowRollback bool
	waitForLock   time.Duration
	preview       string // a ref to preview instead of running
	previewRefs   patternsFlag
	previewFor    time.Duration
	ops           opsFlags
	noColor       bool
}

// addFlags declares tend agent's flags.
func (a *agentOpts) addFlags(fs *pflag.FlagSet, env *cmdEnv, host hostDefault) {
	a.common.addFlags(fs, env, host, changesHost)
	fs.StringVar(&a.config, "config", settings.DefaultPath, "the agent's settings file (HCL); flags override it; \"\" for none")
	fs.StringVar(&a.source, "source", "", "the node repository: a path, file://, ssh://, user@host:path or https:// URL")
	fs.StringVar(&a.ref, "ref", source.DefaultRef, "the branch or tag to apply")
	fs.StringVar(&a.signers, "signers", "", "the allowlist of signing keys: a file, or a directory of files, of armored OpenPGP public keys and SSH allowed-signers lines")
	fs.BoolVar(&a.allowRollback, "allow-rollback", false, "accept a commit older than the last applied one, or one that does not descend from it")
	fs.DurationVar(&a.waitForLock, "wait-for-lock", 0, "when another run holds the lock, wait this long for it (default: exit at once)")
	fs.StringVar(&a.preview, "preview", "", "preview this branch or tag instead of running: plan its signed tip for this host, apply nothing, write STATE/previews/REF.json")
	fs.Var(&a.previewRefs, "preview-refs", "after each run, preview the source's branches matching these patterns (path.Match, comma-separated, e.g. \"preview/*\")")
	fs.DurationVar(&a.previewFor, "preview-for", preview.DefaultFor, "preview a branch matching --preview-refs until its tip is this old (committer date)")
	a.ops.add(fs)
	addNoColor(fs, &a.noColor)
	a.loudness.addFlags(fs)
	// Not for the agent, whose repository comes from --source: hidden,
	// and refused with that said.
	_ = fs.MarkHidden("repo")
}

// checkAgent takes every flag not given from the settings file and
// checks the whole; ok is false when the command should exit with code.
func (a *agentOpts) checkAgent(env *cmdEnv, cmd *cobra.Command, args []string) (code int, ok bool) {
	set := cmd.Flags().Changed
	a.ops.intervalGiven = set("interval")
	if set("repo") || len(args) > 0 {
		fmt.Fprintln(env.stderr, "tend agent: the repository comes from --source (a git repository), not from --repo or arguments")
		suggestSubcommand(env, cmd, args)
		return exitUsage, false
	}
	if !a.applySettings(env, set) {
		return exitUsage, false
	}
	if err := a.checkPreview(); err != nil {
		fmt.Fprintf(env.stderr, "tend agent: %v\n", err)
		return exitUsage, false
	}
	if err := a.check(); err != nil {
		fmt.Fprintf(env.stderr, "tend agent: %v\n", err)
		return exitUsage, false
	}
	return 0, true
}

// applySettings fills the flags that were not given from the settings
// file; a missing file is an error only when --config named it.
func (a *agentOpts) applySettings(env *cmdEnv, set func(string) bool) bool {
	if a.config == "" {
		return true
	}
	s, files, exists, diags := settings.Load(a.config)
	if len(diags) > 0 {
		config.WriteDiagnostics(env.stderr, diags, files)
	}
	if diags.HasErrors() {
		return false
	}
	if !exists && set("config") {
		fmt.Fprintf(env.stderr, "tend agent: settings file %s does not exist\n", a.config)
		return false
	}
	str := func(flag string, dst *string, v string) {
		if !set(flag) && v != "" {
			*dst = v
		}
	}
	str("source", &a.source, s.Source)
	str("ref", &a.ref, s.Ref)
	str("signers", &a.signers, s.Signers)
	str("node", &a.node, s.Node)
	str("state-dir", &a.stateDir, s.StateDir)
	if !set("parallel") && s.Parallel > 0 {
		a.parallel = s.Parallel
	}
	if !set("allow-rollback") && s.AllowRollback {
		a.allowRollback = true
	}
	if !set("wait-for-lock") && s.WaitForLock > 0 {
		a.waitForLock = s.WaitForLock
	}
	if !set("max-file-size") && s.MaxFileSize > 0 {
		a.maxFileSize = fileSize(s.MaxFileSize)
	}
	if !set("preview-refs") && len(s.PreviewRefs) > 0 {
		a.previewRefs = s.PreviewRefs
	}
	if !set("preview-for") && s.PreviewFor > 0 {
		a.previewFor = s.PreviewFor
	}
	return true
}

// checkPreview refuses a preview that cannot be: a ref git would not
// take, or one asked of the daemon (a preview is one plan, not a
// schedule).
func (a *agentOpts) checkPreview() error {
	switch {
	case a.preview == "":
		return nil
	case a.ops.daemon.on:
		return errors.New("--preview makes one preview; it does not go with --daemon")
	}
	if err := source.CheckRef(a.preview); err != nil {
		return fmt.Errorf("--preview: %w", err)
	}
	return nil
}

func (a *agentOpts) check() error {
	switch {
	case a.source == "":
		return errors.New("no source repository: give --source, or source in " + a.config)
	case a.signers == "":
		return errors.New("no signers: give --signers, or signers in " + a.config + " (an allowlist of the keys whose commits may be applied)")
	case a.previewFor <= 0:
		return errors.New("--preview-for: a positive duration such as \"72h\" is required")
	}
	var err error
	a.stateDir, err = filepath.Abs(a.stateDir)
	return err
}

// patternsFlag is a comma-separated list of branch name patterns
// (path.Match), each checked as it is given.
type patternsFlag []string

func (p *patternsFlag) String() string { return strings.Join(*p, ",") }

func (p *patternsFlag) Type() string { return "patterns" }

func (p *patternsFlag) Set(v string) error {
	var ps []string
	for _, s := range strings.Split(v, ",") {
		if _, err := path.Match(s, ""); err != nil || s == "" {
			return fmt.Errorf("%q is not a branch name pattern such as \"preview/*\"", s)
		}
		ps = append(ps, s)
	}
	*p = ps
	return nil
}

// sourceConfig is the source package's view of the settings.
func (a *agentOpts) sourceConfig(signers source.Signers) source.Config {
	return source.Config{
		URL: a.source, Ref: a.ref, Signers: signers, AllowRollback: a.allowRollback,
		Dir: filepath.Join(a.stateDir, "source"),
	}
}
