package plugin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/graph"
	"github.com/zclconf/go-cty/cty"
)

// instance binds one configuration through kinds, as the config loader
// does: Identities, New, Order.
func instance(t *testing.T, kinds []resources.Kind, req Request) engine.Node {
	t.Helper()
	for _, k := range kinds {
		if k.Schema().Kind != req.Kind {
			continue
		}
		_ = k.Identities(req.Config)
		r, err := k.New(req.Config)
		if err != nil {
			t.Fatalf("New %s: %v", req.Config.Addr, err)
		}
		return engine.Node{Addr: req.Config.Addr.String(), Resource: r}
	}
	t.Fatalf("no kind %s", req.Kind)
	return engine.Node{}
}

// TestEngineSeesTheKindsItWouldWithoutTheProtocol applies a file that
// notifies a command and another file: through any transport, the command
// refreshes with its output in the outcome, and the file ignores the event
// as a Go file would.
func TestEngineSeesTheKindsItWouldWithoutTheProtocol(t *testing.T) {
	forEachTransport(t, func(t *testing.T, p Provider) {
		kinds, err := Kinds(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		env := resources.Env{Root: t.TempDir(), StateDir: t.TempDir()}
		nodes := []engine.Node{
			instance(t, kinds, request(t, "file", "conf", attrs{"path": cty.StringVal("/app.conf"), "content": cty.StringVal("v2\n")}, env)),
			instance(t, kinds, request(t, "exec", "reload", attrs{"command": cty.StringVal("echo reloaded"), "refresh_only": cty.True}, env)),
			instance(t, kinds, request(t, "file", "other", attrs{"path": cty.StringVal("/other"), "content": cty.StringVal("x\n")}, env)),
		}
		nodes[0].Notify = []int{1, 2}
		g := graph.New(3)
		g.AddEdge(0, 1, "notify")
		g.AddEdge(0, 2, "notify")
		res := engine.Apply(context.Background(), nodes, g, engine.Options{})
		conf, reload, other := res.Outcomes[0], res.Outcomes[1], res.Outcomes[2]
		if conf.Status != engine.Changed || reload.Status != engine.Changed {
			t.Fatalf("outcomes %+v", res.Outcomes)
		}
		if !strings.Contains(reload.Output, "reloaded") || !slices.Contains(reload.Events, "refreshed (notified by file.conf)") {
			t.Errorf("reload: output %q, events %q", reload.Output, reload.Events)
		}
		if len(other.Events) == 0 || !strings.Contains(other.Events[len(other.Events)-1], "this kind does not refresh") {
			t.Errorf("file.other events %q: the refresh was not ignored", other.Events)
		}
	})
}

func TestBindErrorsReachNewAndIdentitySurvives(t *testing.T) {
	forEachTransport(t, func(t *testing.T, p Provider) {
		kinds, err := Kinds(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		req := request(t, "file", "f", attrs{"path": cty.StringVal("/etc/x"), "mode": cty.StringVal("rwx")}, resources.Env{})
		var ae *resources.AttrError
		if _, err := kinds[0].New(req.Config); !errors.As(err, &ae) || ae.Attr != "mode" {
			t.Fatalf("New: %v, want an AttrError about mode", err)
		}
		if id := fmt.Sprint(kinds[0].Identities(req.Config)); id != "[file:/etc/x]" {
			t.Errorf("identity %q", id)
		}
	})
}

// pkgs stands in for a package manager that installs in transactions:
// the protocol's batching is tested with it because no kind compiled in
// here batches.
type pkgs struct {
	mu           sync.Mutex
	transactions [][]string
}

type pkgKind struct{ set *pkgs }

func (k pkgKind) Schema() resources.Schema {
	return resources.Schema{Kind: "pkg", Attrs: []resources.AttrSchema{{Name: "name", Type: cty.String, Required: true}}}
}
func (pkgKind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.KindID("pkg", cfg.String("name", ""))}
}
func (pkgKind) Order(*resources.Config) []resources.Order { return nil }
func (k pkgKind) New(cfg *resources.Config) (resources.Resource, error) {
	return &pkg{name: cfg.String("name", ""), set: k.set}, nil
}

type pkg struct {
	name      string
	set       *pkgs
	installed bool
}

func (p *pkg) Read(context.Context) (resources.State, error) {
	return resources.State{"installed": map[bool]string{true: "yes", false: "no"}[p.installed]}, nil
}
func (p *pkg) Plan(_ context.Context, st resources.State) (resources.Change, error) {
	if st["installed"] == "yes" {
		return resources.Change{}, nil
	}
	return resources.Change{Action: resources.Create}, nil
}
func (p *pkg) Apply(context.Context, resources.Change) error { return errors.New("apply alone") }
func (p *pkg) Verify(context.Context) error                  { return nil }
func (p *pkg) Output() string                                { return "installed " + p.name }
func (p *pkg) BatchKey() string                              { return "apt" }
func (p *pkg) ApplyBatch(_ context.Context, items []resources.BatchItem) []error {
	p.set.mu.Lock()
	defer p.set.mu.Unlock()
	var names []string
	errs := make([]error, len(items))
	for i, it := range items {
		q := it.Resource.(*pkg)
		names = append(names, q.name)
		if q.name == "broken" {
			errs[i] = errors.New("unmet dependencies")
			continue
		}
		q.installed = true
	}
	p.set.transactions = append(p.set.transactions, names)
	return errs
}

func TestBatchesCrossTheProtocolWhole(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			set := &pkgs{}
			kinds, err := Kinds(context.Background(), tr.wrap(t, Local(pkgKind{set})))
			if err != nil {
				t.Fatal(err)
			}
			var nodes []engine.Node
			for _, n := range []string{"postfix", "broken", "opendkim"} {
				nodes = append(nodes, instance(t, kinds, Request{Kind: "pkg", Config: &resources.Config{
					Addr: resources.Address{Kind: "pkg", Name: n}, Values: map[string]cty.Value{"name": cty.StringVal(n)}}}))
			}
			res := engine.Apply(context.Background(), nodes, graph.New(3), engine.Options{})
			if len(set.transactions) != 1 || len(set.transactions[0]) != 3 {
				t.Fatalf("transactions %q, want the three packages in one", set.transactions)
			}
			want := []engine.Status{engine.Changed, engine.Failed, engine.Changed}
			for i, o := range res.Outcomes {
				if o.Status != want[i] {
					t.Errorf("%s: %s (%s), want %s", o.Addr, o.Status, o.Err, want[i])
				}
			}
			if res.Outcomes[2].Output != "installed opendkim" {
				t.Errorf("output %q: a member's output was lost", res.Outcomes[2].Output)
			}
		})
	}
}

func TestBatchKeysOfTwoProvidersNeverMeet(t *testing.T) {
	a, _ := Kinds(context.Background(), Local(pkgKind{&pkgs{}}))
	b, _ := Kinds(context.Background(), Local(pkgKind{&pkgs{}}))
	cfg := func() *resources.Config {
		return &resources.Config{Addr: resources.Address{Kind: "pkg", Name: "x"}, Values: map[string]cty.Value{"name": cty.StringVal("x")}}
	}
	ra, _ := a[0].New(cfg())
	rb, _ := b[0].New(cfg())
	ka, kb := ra.(resources.Batcher).BatchKey(), rb.(resources.Batcher).BatchKey()
	if ka == kb {
		t.Fatalf("both providers batch under %q", ka)
	}
}
