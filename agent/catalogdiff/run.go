package catalogdiff

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources"
)

// Options say what to compare.
type Options struct {
	// Config opens each side; its Repo is the git work tree holding the
	// node repository (a subdirectory of it is compared as such).
	Config config.Options
	// Old and New are the refs compared.
	Old, New string
	// Node limits the comparison to one node; "" compares every node
	// either side declares.
	Node string
}

// FormatVersion is written into every report; it changes when a field
// is removed, renamed or changes meaning.
const FormatVersion = 1

// Report is the comparison of every node.
type Report struct {
	FormatVersion int    `json:"format_version"`
	Old           Side   `json:"old"`
	New           Side   `json:"new"`
	Nodes         []Node `json:"nodes"`
}

// Side is one commit compared.
type Side struct {
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
	// Diagnostics are the repository's own problems at this commit
	// (files that do not parse), rendered; "" when there are none.
	Diagnostics string `json:"diagnostics,omitempty"`
	// Failed is set when some of those are errors: a node or role file
	// that does not parse declares nothing.
	Failed bool `json:"failed,omitempty"`
}

// Status says how a node's catalog differs.
type Status string

// The statuses of a node.
const (
	Unchanged Status = "unchanged"
	Changed   Status = "changed"
	// Failed: the node's catalog could not be evaluated at one side or
	// both; its diagnostics say why.
	Failed Status = "failed"
)

// Node is one node's difference.
type Node struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// OnlyIn is "old" or "new" for a node one side does not declare.
	OnlyIn  string     `json:"only_in,omitempty"`
	Added   []string   `json:"added,omitempty"`
	Removed []string   `json:"removed,omitempty"`
	Changed []Resource `json:"changed,omitempty"`
	// OldDiagnostics and NewDiagnostics are each side's problems with
	// the node, rendered as tend validate prints them.
	OldDiagnostics string `json:"old_diagnostics,omitempty"`
	NewDiagnostics string `json:"new_diagnostics,omitempty"`
}

// Resource is one resource whose desired attributes differ: single-line
// values in Attrs, multi-line ones as line diffs in Content.
type Resource struct {
	Address string                   `json:"address"`
	Attrs   []resources.AttrChange   `json:"attrs,omitempty"`
	Content []*resources.ContentDiff `json:"content,omitempty"`
}

// Differs says whether any node differs or failed.
func (r *Report) Differs() bool {
	return slices.ContainsFunc(r.Nodes, func(n Node) bool { return n.Status != Unchanged })
}

// Broken says whether the repository or a node fails to evaluate at the
// new side: the change would leave nodes without a configuration.
func (r *Report) Broken() bool {
	return r.New.Failed || slices.ContainsFunc(r.Nodes, func(n Node) bool { return n.NewDiagnostics != "" && n.OnlyIn != "old" })
}

// Run compares the catalogs of the two commits.
func Run(ctx context.Context, opts Options) (*Report, error) {
	rep := &Report{FormatVersion: FormatVersion, Old: Side{Ref: opts.Old}, New: Side{Ref: opts.New}}
	sides := []*Side{&rep.Old, &rep.New}
	top, prefix, err := workTree(ctx, opts.Config.Repo)
	if err != nil {
		return nil, err
	}
	for _, s := range sides {
		if s.Commit, err = resolve(ctx, top, s.Ref); err != nil {
			return nil, err
		}
	}
	var evals [2]*evaluation
	for i, s := range sides {
		if evals[i], err = evaluateSide(ctx, opts, s, top, prefix); err != nil {
			return nil, err
		}
	}
	if n := opts.Node; n != "" && !evals[0].knows(n) && !evals[1].knows(n) {
		return nil, fmt.Errorf("no node %q (and no \"default\" node) at %s or %s", n, opts.Old, opts.New)
	}
	for _, name := range nodeNames(opts.Node, evals) {
		rep.Nodes = append(rep.Nodes, evals[0].pair(name, evals[1]))
	}
	return rep, nil
}

// workTree returns the top directory of the git work tree holding dir,
// and dir's path in it ("" for the top, else ending in "/").
func workTree(ctx context.Context, dir string) (top, prefix string, err error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		return "", "", fmt.Errorf("%s is not in a git work tree: %w", dir, err)
	}
	top, prefix, _ = strings.Cut(strings.TrimSuffix(string(out), "\n"), "\n")
	return top, prefix, nil
}

// evaluation is every node of one side, evaluated.
type evaluation struct {
	declared map[string]bool
	catalogs map[string]*snapshot
	diags    map[string]string
}

// evaluateSide exports the side's commit into a temporary directory,
// evaluates the nodes there and removes it.
func evaluateSide(ctx context.Context, opts Options, s *Side, top, prefix string) (*evaluation, error) {
	tmp, err := os.MkdirTemp("", "tend-diff-catalog-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	treeish := s.Commit
	if prefix != "" {
		treeish += ":" + strings.TrimSuffix(prefix, "/")
	}
	if err := export(ctx, top, treeish, tmp); err != nil {
		return nil, err
	}
	cfg := opts.Config
	cfg.Repo = tmp
	repo, diags := config.Open(cfg)
	ev := &evaluation{declared: map[string]bool{}, catalogs: map[string]*snapshot{}, diags: map[string]string{}}
	for _, n := range repo.Nodes() {
		ev.declared[n] = true
	}
	nodes := repo.Nodes()
	if opts.Node != "" {
		nodes = []string{opts.Node}
	}
	failed := map[string]hcl.Diagnostics{}
	repo.EachCatalog(nodes, func(node string, cat *config.Catalog, d hcl.Diagnostics) {
		if cat == nil {
			failed[node] = d
			return
		}
		ev.catalogs[node] = snapshotOf(cat)
	})
	// Rendered once every catalog is built: the redactor then knows
	// every secret this side met.
	s.Diagnostics, s.Failed = render(repo, diags), diags.HasErrors()
	for node, d := range failed {
		ev.diags[node] = render(repo, d)
	}
	return ev, nil
}

func render(repo *config.Repo, diags hcl.Diagnostics) string {
	if len(diags) == 0 {
		return ""
	}
	var b strings.Builder
	config.WriteDiagnostics(&b, diags, repo.Sources())
	return repo.Redactor().String(b.String())
}

// nodeNames lists the nodes compared: the one asked for, or every node
// either side declares, sorted.
func nodeNames(node string, evals [2]*evaluation) []string {
	if node != "" {
		return []string{node}
	}
	var out []string
	for _, ev := range evals {
		for n := range ev.declared {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// pair compares one node between the old side (ev) and the new one.
func (ev *evaluation) pair(name string, new *evaluation) Node {
	n := Node{Name: name, OldDiagnostics: ev.diags[name], NewDiagnostics: new.diags[name]}
	switch {
	case !ev.declared[name] && new.declared[name]:
		n.OnlyIn, n.OldDiagnostics = "new", ""
	case ev.declared[name] && !new.declared[name]:
		n.OnlyIn, n.NewDiagnostics = "old", ""
	}
	if n.OldDiagnostics != "" || n.NewDiagnostics != "" {
		n.Status = Failed
		return n
	}
	compare(&n, ev.catalogs[name], new.catalogs[name])
	n.Status = Unchanged
	if len(n.Added)+len(n.Removed)+len(n.Changed) > 0 || n.OnlyIn != "" {
		n.Status = Changed
	}
	return n
}

// knows says whether the side has a catalog for the node: its own node
// block or the "default" one.
func (ev *evaluation) knows(node string) bool {
	return ev.declared[node] || ev.declared["default"]
}
