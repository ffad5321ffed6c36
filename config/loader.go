package config

import (
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config/repofile"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// Options says where configuration comes from and what it may use.
type Options struct {
	// Repo is the node repository's directory.
	Repo string
	// Library is the module library bare module names fall back to.
	Library fs.FS
	// Registry holds the resource kinds resource blocks may use.
	Registry *resources.Registry
	// Env is handed to every resource instance.
	Env resources.Env
	// Identity is the age identity file decrypt() uses; empty: none. It
	// must be readable by its owner (root) only.
	Identity string
	// MaxFileSize is the size limit of one repository file; 0 means
	// repofile.DefaultMaxSize.
	MaxFileSize int64
}

// Repo is an opened node repository: its node and role blocks, parsed.
type Repo struct {
	opts  Options
	repo  tree
	files *files
	nodes map[string]*hcl.Block
	roles map[string]*hcl.Block
	keys  *identities
	// mu guards secrets: catalogs are built at the same time.
	mu sync.Mutex
	// secrets are the sensitive texts every catalog built so far met,
	// for Redactor.
	secrets map[string]bool
}

// Open parses the repository's node and role files. Problems in any of
// them are reported; the repository is usable for the nodes that parsed.
func Open(opts Options) (*Repo, hcl.Diagnostics) {
	r := &Repo{opts: opts, files: newFiles(), nodes: map[string]*hcl.Block{}, roles: map[string]*hcl.Block{},
		keys: &identities{path: opts.Identity}, secrets: map[string]bool{}}
	dir, err := repofile.Open(opts.Repo, opts.MaxFileSize)
	if err != nil {
		return r, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not a node repository",
			Detail: unwrapPathError(err) + "; pass the repository with --repo."}}
	}
	r.repo = tree{fsys: dir}
	repo := r.repo
	if ok, err := repo.exists("nodes"); !ok {
		detail := opts.Repo + " has no nodes/ directory; pass the repository with --repo."
		if err != nil {
			detail = repo.readError("nodes", err) + "."
		}
		return r, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not a node repository", Detail: detail}}
	}
	var diags hcl.Diagnostics
	diags = append(diags, r.collect(repo, "nodes", nodeFileSchema, r.nodes)...)
	diags = append(diags, r.collect(repo, "roles", roleFileSchema, r.roles)...)
	r.files.sealOpen()
	return r, diags
}

func (r *Repo) collect(t tree, dir string, schema *hcl.BodySchema, into map[string]*hcl.Block) hcl.Diagnostics {
	names, err := hclFiles(t, dir)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read directory", Detail: t.readError(dir, err) + "."}}
	}
	var diags hcl.Diagnostics
	for _, name := range names {
		f, d := (&fileUse{files: r.files}).parse(t, name, nil)
		diags = append(diags, d...)
		if f == nil || d.HasErrors() {
			// A file that does not parse declares nothing: what the
			// parser recovered would only add misleading errors.
			continue
		}
		content, d := f.Body.Content(schema)
		diags = append(diags, d...)
		for _, b := range content.Blocks {
			if prev, dup := into[b.Labels[0]]; dup {
				diags = append(diags, errorAt(b.DefRange, "Duplicate "+b.Type,
					b.Type+" "+quote(b.Labels[0])+" is already declared at "+rangeText(prev.DefRange)+"."))
				continue
			}
			into[b.Labels[0]] = b
		}
	}
	return diags
}

// Nodes lists the node names the repository declares.
func (r *Repo) Nodes() []string {
	out := make([]string, 0, len(r.nodes))
	for n := range r.nodes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Sources returns every file read so far, for diagnostic excerpts: a
// copy, since catalogs evaluated beside the caller (EachCatalog) may be
// reading more.
func (r *Repo) Sources() Sources {
	r.files.mu.Lock()
	defer r.files.mu.Unlock()
	return maps.Clone(r.files.src)
}

// loader holds the state of building one node's catalog.
type loader struct {
	repo, library tree
	files         *fileUse
	reg           *resources.Registry
	env           resources.Env
	node          string
	roles         []string
	layers        []dataLayer
	stack         []string
	root          *scope
	// observed holds, by instance address, what Read returned for
	// instances with computed attributes.
	observed map[string]resources.State
	// computed records the computed values the evaluation used.
	computed map[string]string
	keys     *identities
	// secrets are the sensitive texts the evaluation met, for redaction.
	secrets map[string]bool
}

func (ld *loader) nodeValue() cty.Value {
	roles := cty.ListValEmpty(cty.String)
	if len(ld.roles) > 0 {
		var vs []cty.Value
		for _, r := range ld.roles {
			vs = append(vs, cty.StringVal(r))
		}
		roles = cty.ListVal(vs)
	}
	return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(ld.node), "roles": roles})
}

// Catalog evaluates the configuration of one node. A node without a block
// of its own gets the "default" node block, when there is one. Instances
// that depend on computed attributes are left Deferred.
func (r *Repo) Catalog(node string) (*Catalog, hcl.Diagnostics) {
	return r.CatalogObserved(node, nil)
}

// CatalogObserved evaluates the node with computed attributes taken from
// observed: what Read returned, by instance address, for the catalog's
// Producers.
func (r *Repo) CatalogObserved(node string, observed map[string]resources.State) (*Catalog, hcl.Diagnostics) {
	block, ok := r.nodes[node]
	if !ok {
		block, ok = r.nodes["default"]
	}
	if !ok {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown node",
			Detail: "No node " + quote(node) + " (and no \"default\" node) in nodes/*.hcl; known nodes: " + strings.Join(r.Nodes(), ", ") + "." + didYouMean(node, r.Nodes())}}
	}
	ld := &loader{repo: r.repo, files: r.files.use(), reg: r.opts.Registry, env: r.opts.Env, node: node,
		observed: observed, computed: map[string]string{}, keys: r.keys,
		secrets: map[string]bool{}}
	if r.opts.Library != nil {
		ld.library = tree{fsys: libraryFS{r.opts.Library}, display: "modules@tend/"}
	}
	cat, diags := ld.catalog(r, block)
	r.mu.Lock()
	maps.Copy(r.secrets, ld.secrets)
	r.mu.Unlock()
	redactDiags(diags, resources.NewRedactor(slices.Collect(maps.Keys(ld.secrets))))
	if diags.HasErrors() {
		return nil, diags
	}
	return cat, diags
}

func (ld *loader) catalog(r *Repo, block *hcl.Block) (*Catalog, hcl.Diagnostics) {
	diags := ld.buildRoot(r, block)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, ld.root.evaluateAll()...)
	cat := &Catalog{Node: ld.node, Roles: ld.roles, Computed: ld.computed}
	cat.Instances = ld.root.collectInstances(nil)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, ld.link(cat)...)
	if diags.HasErrors() {
		return nil, diags
	}
	cat.Digest = ld.files.digest()
	cat.Secrets = slices.Sorted(maps.Keys(ld.secrets))
	release(cat)
	return cat, diags
}

// release lets the evaluation go once the catalog is linked: each
// instance's block leads to its scope, which holds every value the
// evaluation memoized (the objects references see, the data layers'
// values) and the parsed files. None of it is needed afterwards, and a
// catalog lives for the whole run.
func release(cat *Catalog) {
	for _, inst := range cat.Instances {
		inst.block, inst.refs = nil, nil
	}
}

// Redactor replaces every sensitive text the catalogs built from this
// repository met, including those whose evaluation failed: the second
// line of defence for printing their diagnostics.
func (r *Repo) Redactor() *resources.Redactor {
	r.mu.Lock()
	defer r.mu.Unlock()
	return resources.NewRedactor(slices.Collect(maps.Keys(r.secrets)))
}

func (ld *loader) buildRoot(r *Repo, block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(nodeBodySchema)
	ld.root = newScope(ld, nil, nil, ld.repo, ".")
	var roleRefs []hcl.Range
	if a, ok := content.Attributes["roles"]; ok {
		roles, d := decodeRoles(a)
		diags = append(diags, d...)
		ld.roles = roles
		elems, _ := hcl.ExprList(a.Expr)
		for i, role := range roles {
			rng := a.Expr.Range()
			if len(elems) == len(roles) {
				rng = elems[i].Range() // point at the name, not the list
			}
			roleRefs = append(roleRefs, rng)
			// A data file that cannot be looked at is reported when the
			// data layers are read.
			if _, ok := r.roles[role]; !ok {
				if found, err := ld.repo.exists("data/roles/" + role + ".hcl"); !found && err == nil {
					diags = append(diags, errorAt(rng, "Unknown role",
						"No role "+quote(role)+" in roles/*.hcl and no data/roles/"+role+".hcl."+didYouMean(role, names(r.roles))))
				}
			}
		}
	}
	diags = append(diags, ld.loadDataLayers(block.DefRange, roleRefs)...)
	diags = append(diags, ld.root.addBlocks(content.Blocks)...)
	for _, role := range ld.roles {
		if rb, ok := r.roles[role]; ok {
			c, d := rb.Body.Content(roleBodySchema)
			diags = append(diags, d...)
			diags = append(diags, ld.root.addBlocks(c.Blocks)...)
		}
	}
	return diags
}

func decodeRoles(a *hcl.Attribute) ([]string, hcl.Diagnostics) {
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return nil, diags
	}
	if !v.Type().IsListType() && !v.Type().IsTupleType() {
		return nil, hcl.Diagnostics{errorAt(a.Expr.Range(), "Invalid roles", "roles must be a list of role names.")}
	}
	var roles []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() != cty.String || e.IsNull() {
			return nil, hcl.Diagnostics{errorAt(a.Expr.Range(), "Invalid roles", "roles must be a list of role names.")}
		}
		roles = append(roles, e.AsString())
	}
	return roles, nil
}

// evaluateAll evaluates every declaration, used or not, so that errors in
// unused locals or outputs are reported too.
func (s *scope) evaluateAll() hcl.Diagnostics {
	var diags hcl.Diagnostics
	if s.parent == nil {
		diags = append(diags, s.evaluateData()...)
	}
	for _, name := range sortedKeys(s.locals) {
		_, d := s.localValue(name, s.locals[name].NameRange)
		diags = append(diags, d...)
	}
	for _, name := range sortedKeys(s.vars) {
		_, d := s.variableValue(name, s.vars[name].decl)
		diags = append(diags, d...)
	}
	for _, rb := range s.resOrder {
		_, d := s.evaluateResource(rb, rb.block.DefRange)
		diags = append(diags, d...)
	}
	for _, mc := range s.modOrder {
		diags = append(diags, mc.child.evaluateAll()...)
		_, d := s.moduleValue(mc.name, mc.block.DefRange)
		diags = append(diags, d...)
	}
	return diags
}

// collectInstances lists the instances of the scope and the modules it
// calls, in declaration order, recording the module calls leading to each.
func (s *scope) collectInstances(calls []hcl.Range) []*Instance {
	var out []*Instance
	for _, rb := range s.resOrder {
		for _, inst := range rb.instances {
			inst.ModuleCalls = calls
			out = append(out, inst)
		}
	}
	for _, mc := range s.modOrder {
		out = append(out, mc.child.collectInstances(append(append([]hcl.Range(nil), calls...), mc.block.DefRange))...)
	}
	return out
}

// instances lists the instances of the scope and the modules it calls.
func (s *scope) instances() []*Instance {
	var out []*Instance
	for _, rb := range s.resOrder {
		out = append(out, rb.instances...)
	}
	for _, mc := range s.modOrder {
		out = append(out, mc.child.instances()...)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// evaluateData evaluates every key of every data layer of the node, so a
// broken value is reported even when nothing uses it: the winning
// definition through data.KEY, overridden ones on their own.
func (s *scope) evaluateData() hcl.Diagnostics {
	var diags hcl.Diagnostics
	winner := map[string]*hcl.Attribute{}
	for _, l := range s.ld.layers {
		for name, a := range l.attrs {
			winner[name] = a // later layers win
		}
	}
	for _, l := range s.ld.layers {
		for _, name := range sortedKeys(l.attrs) {
			a := l.attrs[name]
			if winner[name] == a {
				_, d := s.dataValue(name, a.NameRange)
				diags = append(diags, d...)
				continue
			}
			_, d := s.eval(a.Expr, evalCtx{dataOnly: true})
			diags = append(diags, d...)
		}
	}
	return diags
}
