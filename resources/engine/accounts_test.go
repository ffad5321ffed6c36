package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
)

// accountFake plans a fixed change; applied counts its Apply calls.
type accountFake struct {
	change  resources.Change
	applied int
}

func (f *accountFake) Read(context.Context) (resources.State, error) { return resources.State{}, nil }
func (f *accountFake) Plan(context.Context, resources.State) (resources.Change, error) {
	return f.change, nil
}
func (f *accountFake) Apply(context.Context, resources.Change) error { f.applied++; return nil }
func (f *accountFake) Verify(context.Context) error                  { return nil }

var opendkim = resources.AccountRef{Attr: "owner", Account: resources.Account{Kind: resources.UserAccount, Name: "opendkim"}}

// owned is a file whose owner opendkim does not exist yet, after dep
// (when dep is not nil) and, further up, a package.
func owned(dep *accountFake, pkgAction resources.Action) ([]Node, *graph.Graph, *accountFake) {
	file := &accountFake{change: resources.Change{Action: resources.Create, Reason: "file does not exist", Missing: []resources.AccountRef{opendkim}}}
	// Flagged whatever its action: only a creation counts.
	pkg := &accountFake{change: resources.Change{Action: pkgAction, MayCreateAccounts: true}}
	g := graph.New(3)
	g.AddEdge(0, 1, "depends_on") // package before the directory
	g.AddEdge(1, 2, "ref")        // directory before the file
	if dep == nil {
		dep = &accountFake{change: resources.Change{Action: resources.NoOp}}
	}
	return []Node{{Addr: "package.opendkim", Resource: pkg}, {Addr: "file.dir", Resource: dep}, {Addr: "file.key", Resource: file, Declared: "nodes/web.hcl:7"}}, g, file
}

func TestMissingAccountCreatedByDependency(t *testing.T) {
	for _, c := range []struct {
		name      string
		dep       *accountFake
		pkgAction resources.Action
		reason    string // "" : the file fails
	}{
		{"package installed first", nil, resources.Create, `file does not exist; owner "opendkim": created by package.opendkim`},
		{"package already installed", nil, resources.NoOp, ""},
		{"package removed", nil, resources.Delete, ""},
		{"user resource wins over package", &accountFake{change: resources.Change{Action: resources.Create,
			Creates: []resources.Account{{Kind: resources.UserAccount, Name: "opendkim"}}}}, resources.Create,
			`file does not exist; owner "opendkim": created by file.dir`},
		{"a group of that name is not the user", &accountFake{change: resources.Change{Action: resources.Create,
			Creates: []resources.Account{{Kind: resources.GroupAccount, Name: "opendkim"}}}}, resources.NoOp, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			nodes, g, _ := owned(c.dep, c.pkgAction)
			o := Plan(context.Background(), nodes, g, Options{}).Outcomes[2]
			if c.reason == "" {
				if o.Status != Failed || !strings.Contains(o.Err, `owner "opendkim" (not in /etc/passwd)`) ||
					!strings.Contains(o.Err, "file.key is declared at nodes/web.hcl:7") {
					t.Fatalf("status %s, error %q; want a failure naming the owner and the declaration", o.Status, o.Err)
				}
				return
			}
			if o.Status == Failed || o.Change.Reason != c.reason {
				t.Fatalf("status %s (%s), reason %q; want reason %q", o.Status, o.Err, o.Change.Reason, c.reason)
			}
		})
	}
}

// In an apply the package already ran when the file is planned again: an
// owner still missing fails the file before its Apply.
func TestMissingAccountFailsApplyBeforeTouching(t *testing.T) {
	nodes, g, file := owned(nil, resources.Create)
	res := Apply(context.Background(), nodes, g, Options{})
	o := res.Outcomes[2]
	if o.Status != Failed || file.applied != 0 || !strings.Contains(o.Err, `no such user or group under the root: owner "opendkim"`) {
		t.Fatalf("status %s, error %q, applied %d times; want a failure before Apply", o.Status, o.Err, file.applied)
	}
}
