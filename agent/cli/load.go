package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
)

// openRepo opens the node repository named by the flags.
func openRepo(env *cmdEnv, c *common) (*config.Repo, bool) {
	repoDir, err := filepath.Abs(c.repo)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend: %v\n", err)
		return nil, false
	}
	c.repo = repoDir
	root, err := filepath.Abs(c.root)
	if err != nil && c.root != "" {
		fmt.Fprintf(env.stderr, "tend: %v\n", err)
		return nil, false
	}
	reg, ok := openProviders(env, c)
	if !ok {
		return nil, false
	}
	repo, diags := config.Open(config.Options{
		Repo: repoDir, Library: modules.Library, Registry: reg,
		Env:      resources.Env{Root: root, StateDir: c.stateDir},
		Identity: c.identity, MaxFileSize: int64(c.maxFileSize),
	})
	return repo, printDiags(env, repo, diags)
}

// loadCatalog opens the repository and evaluates one node.
func loadCatalog(env *cmdEnv, c *common) (*config.Catalog, bool) {
	repo, ok := openRepo(env, c)
	if !ok {
		return nil, false
	}
	cat, diags := repo.Catalog(c.node)
	return cat, printDiags(env, repo, diags)
}

// printDiags prints diagnostics and says whether the load may go on.
func printDiags(env *cmdEnv, repo *config.Repo, diags hcl.Diagnostics) bool {
	if len(diags) > 0 {
		var src config.Sources
		var red *resources.Redactor
		if repo != nil {
			src, red = repo.Sources(), repo.Redactor()
		}
		// Excerpts quote source lines, which may hold a secret.
		var b strings.Builder
		config.WriteDiagnostics(&b, diags, src)
		io.WriteString(env.stderr, red.String(b.String()))
	}
	return !diags.HasErrors()
}

// engineNodes turns a catalog into what the engine walks.
func engineNodes(cat *config.Catalog) ([]engine.Node, [][]string) {
	nodes := make([]engine.Node, len(cat.Instances))
	notifies := make([][]string, len(cat.Instances))
	for i, inst := range cat.Instances {
		r := inst.Resource
		if r == nil {
			// Deferred and never completed (loaded without loadObserved):
			// planned as unknown, failed by apply, never a crash.
			r = unresolved{why: "unknown: " + inst.Addr.String() + " depends on values read from the host, which were not read"}
		}
		nodes[i] = engine.Node{Addr: inst.Addr.String(), Resource: r, Notify: inst.Notify,
			Health: inst.Health, Digest: inst.ConfigDigest(),
			Declared: fmt.Sprintf("%s:%d", inst.Decl.Filename, inst.Decl.Start.Line)}
		for _, t := range inst.Notify {
			notifies[i] = append(notifies[i], cat.Instances[t].Addr.String())
		}
	}
	return nodes, notifies
}

// ensureStateDir creates the state directory, root-only.
func ensureStateDir(dir string) error {
	return os.MkdirAll(dir, 0o700)
}

// existingDir returns dir when it exists, else "": a plan reads pending
// refresh events when there are any, and never creates the directory.
func existingDir(dir string) string {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir
	}
	return ""
}

// outcomeRedactor replaces secrets in what a run says about a resource:
// every secret of the configuration (the redactor's length floor
// applies), then the resource's own sensitive values, however short.
type outcomeRedactor struct {
	all *resources.Redactor
	own map[string]*resources.Redactor // by address, for resources with secrets
}

func newOutcomeRedactor(cat *config.Catalog) outcomeRedactor {
	r := outcomeRedactor{all: resources.NewRedactor(cat.Secrets), own: map[string]*resources.Redactor{}}
	for _, inst := range cat.Instances {
		if s := inst.Secrets(); len(s) > 0 {
			r.own[inst.Addr.String()] = resources.NewResourceRedactor(s)
		}
	}
	return r
}

// result replaces secrets in every outcome of a run.
func (r outcomeRedactor) result(res *engine.Result) {
	for i := range res.Outcomes {
		r.outcome(&res.Outcomes[i])
	}
}

func (r outcomeRedactor) outcome(o *engine.Outcome) {
	o.Redact(r.all)
	if own := r.own[o.Addr]; own != nil {
		o.Redact(own)
	}
}

// text redacts what the resource at addr said.
func (r outcomeRedactor) text(addr, s string) string {
	return r.own[addr].String(r.all.String(s))
}
