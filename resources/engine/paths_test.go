package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
)

// creatorFake plans a fixed change and answers CreatesPath for one path.
type creatorFake struct {
	accountFake
	path string
	how  resources.Provision
	note string
}

func (f *creatorFake) CreatesPath(_ context.Context, _ resources.Change, need resources.PathNeed) (resources.Provision, string) {
	if need.Path != f.path {
		return resources.NotCreated, ""
	}
	return f.how, f.note
}

var nginxDir = resources.PathNeed{Path: "/etc/nginx", Dir: true}

// underNginx is a file in /etc/nginx, which does not exist yet, after
// creator (when depends) and an unrelated resource.
func underNginx(creator *creatorFake, depends bool) ([]Node, *graph.Graph, *accountFake) {
	file := &accountFake{change: resources.Change{Action: resources.Create, Reason: "file does not exist",
		MissingPaths: []resources.PathNeed{nginxDir}}}
	other := &accountFake{change: resources.Change{Action: resources.Create}}
	g := graph.New(3)
	g.AddEdge(1, 2, "ref")
	if depends {
		g.AddEdge(0, 2, "depends_on")
	}
	return []Node{{Addr: "package.nginx", Resource: creator}, {Addr: "file.other", Resource: other},
		{Addr: "file.site", Resource: file, Declared: "nodes/web.hcl:9"}}, g, file
}

func TestMissingPathCreatedByDependency(t *testing.T) {
	ships := func(a resources.Action, how resources.Provision, note string) *creatorFake {
		return &creatorFake{accountFake: accountFake{change: resources.Change{Action: a}}, path: "/etc/nginx", how: how, note: note}
	}
	for _, c := range []struct {
		name    string
		creator *creatorFake
		depends bool
		reason  string // "": the file fails
	}{
		{"package ships it", ships(resources.Create, resources.Creates, "nginx.deb ships it"), true,
			"file does not exist; /etc/nginx: created by package.nginx (nginx.deb ships it)"},
		{"package may ship it", ships(resources.Create, resources.MayCreate, "not downloaded"), true,
			"file does not exist; /etc/nginx: package.nginx may create it (not downloaded)"},
		{"package does not ship it", ships(resources.Create, resources.NotCreated, ""), true, ""},
		{"package already installed", ships(resources.NoOp, resources.Creates, ""), true, ""},
		{"package removed", ships(resources.Delete, resources.Creates, ""), true, ""},
		{"no dependency on the package", ships(resources.Create, resources.Creates, ""), false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			nodes, g, _ := underNginx(c.creator, c.depends)
			o := Plan(context.Background(), nodes, g, Options{}).Outcomes[2]
			if c.reason == "" {
				if o.Status != Failed || !strings.Contains(o.Err, "directory /etc/nginx does not exist under the root, and nothing file.site depends on creates it") ||
					!strings.Contains(o.Err, "file.site is declared at nodes/web.hcl:9") || o.Change.Action != resources.NoOp {
					t.Fatalf("status %s, error %q, action %s; want a failure naming the directory and the declaration", o.Status, o.Err, o.Change.Action)
				}
				return
			}
			if o.Status == Failed || o.Change.Reason != c.reason {
				t.Fatalf("status %s (%s), reason %q; want reason %q", o.Status, o.Err, o.Change.Reason, c.reason)
			}
		})
	}
}

// A resource that surely creates the path wins over a nearer one that
// only may.
func TestMissingPathSureCreatorWins(t *testing.T) {
	file := &accountFake{change: resources.Change{Action: resources.Create, MissingPaths: []resources.PathNeed{nginxDir}}}
	sure := &creatorFake{accountFake: accountFake{change: resources.Change{Action: resources.Create}}, path: "/etc/nginx", how: resources.Creates}
	maybe := &creatorFake{accountFake: accountFake{change: resources.Change{Action: resources.Create}}, path: "/etc/nginx", how: resources.MayCreate}
	g := graph.New(3)
	g.AddEdge(0, 1, "depends_on")
	g.AddEdge(1, 2, "depends_on")
	nodes := []Node{{Addr: "file.dir", Resource: sure}, {Addr: "package.nginx", Resource: maybe}, {Addr: "file.site", Resource: file}}
	if o := Plan(context.Background(), nodes, g, Options{}).Outcomes[2]; o.Change.Reason != "/etc/nginx: created by file.dir" {
		t.Fatalf("status %s (%s), reason %q", o.Status, o.Err, o.Change.Reason)
	}
}

// In an apply the package already ran when the file is planned again: a
// directory still missing fails the file before its Apply.
func TestMissingPathFailsApplyBeforeTouching(t *testing.T) {
	creator := &creatorFake{accountFake: accountFake{change: resources.Change{Action: resources.NoOp}}, path: "/etc/nginx", how: resources.Creates}
	nodes, g, file := underNginx(creator, true)
	o := Apply(context.Background(), nodes, g, Options{}).Outcomes[2]
	if o.Status != Failed || file.applied != 0 || !strings.Contains(o.Err, "directory /etc/nginx does not exist under the root (file.site is declared at nodes/web.hcl:9)") {
		t.Fatalf("status %s, error %q, applied %d times; want a failure before Apply", o.Status, o.Err, file.applied)
	}
}

func TestPathNeedString(t *testing.T) {
	for need, want := range map[resources.PathNeed]string{
		{Path: "/etc/a/b", Dir: true, Outermost: "/etc/a"}: "directory /etc/a/b (nor /etc/a)",
		{Path: "/etc/a", Dir: true, Outermost: "/etc/a"}:   "directory /etc/a",
		{Path: "/etc/postfix/virtual"}:                     "file /etc/postfix/virtual",
	} {
		if got := need.String(); got != want {
			t.Errorf("%#v: %q, want %q", need, got, want)
		}
	}
}
