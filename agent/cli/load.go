package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/agent/run"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/resources"
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

// loadObserved loads the node's catalog for plan and apply, with the
// values of computed attributes read from the host (see run.Load).
func loadObserved(ctx context.Context, env *cmdEnv, c *common) (*config.Catalog, bool) {
	repo, ok := openRepo(env, c)
	if !ok {
		return nil, false
	}
	cat, diags := run.Load(ctx, repo, c.node)
	if !printDiags(env, repo, diags) {
		return nil, false
	}
	env.link.Secrets(cat.Secrets)
	crashForTest(cat)
	return cat, true
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
