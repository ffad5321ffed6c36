package run_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tendhq/tend/agent/run"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
)

// computedNode has a file that waits for dkim_key.key.dns_matches, and one
// that waits for nothing.
const computedNode = `
node "mx" {
  resource "dkim_key" "key" {
    directory = "/etc/dkim"
    selector  = "s1"
    domain    = "example.test"
    dns_check = true
  }
  resource "file" "milter" {
    path    = "/etc/milter.conf"
    content = "smtpd_milters = ${dkim_key.key.dns_matches ? "local:opendkim.sock" : ""}\n"
  }
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "hello\n"
  }
}
`

// stubKind is dkim_key whose resources read the host with read.
type stubKind struct {
	resources.Kind
	read func() (resources.State, error)
}

func (k stubKind) New(cfg *resources.Config) (resources.Resource, error) {
	r, err := k.Kind.New(cfg)
	if err != nil {
		return nil, err
	}
	return stubResource{Resource: r, read: k.read}, nil
}

type stubResource struct {
	resources.Resource
	read func() (resources.State, error)
}

func (r stubResource) Read(context.Context) (resources.State, error) { return r.read() }

// openRepo writes a repository whose node mx is node and opens it with
// the kinds of reg (the built-in kinds when nil), against a scratch root
// and state directory.
func openRepo(t *testing.T, node string, reg *resources.Registry) (repo *config.Repo, root, state string) {
	t.Helper()
	dir := t.TempDir()
	repoDir, root, state := filepath.Join(dir, "repo"), filepath.Join(dir, "root"), filepath.Join(dir, "state")
	writeFile(t, filepath.Join(repoDir, "nodes/mx.hcl"), node)
	writeFile(t, filepath.Join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
	writeFile(t, filepath.Join(root, "etc/group"), "root:x:0:\n")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if reg == nil {
		reg = providers.Builtin()
	}
	repo, diags := config.Open(config.Options{Repo: repoDir, Library: modules.Library, Registry: reg,
		Env: resources.Env{Root: root, StateDir: state}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return repo, root, state
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// openStub opens computedNode with dkim_key reading the host with read.
func openStub(t *testing.T, read func() (resources.State, error)) (*config.Repo, string) {
	t.Helper()
	builtin := providers.Builtin()
	file, _ := builtin.Kind("file")
	dkim, _ := builtin.Kind("dkim_key")
	repo, _, state := openRepo(t, computedNode, resources.NewRegistry(file, stubKind{Kind: dkim, read: read}))
	return repo, state
}

// panicking is a Read that panics, counting its calls.
func panicking(calls *atomic.Int32) func() (resources.State, error) {
	return func() (resources.State, error) {
		calls.Add(1)
		panic("the dkim_key kind is broken")
	}
}

// What a producer shows completes the instances that wait for it.
func TestLoadEvaluatesAgainWithWhatWasRead(t *testing.T) {
	repo, _ := openStub(t, func() (resources.State, error) { return resources.State{"dns_matches": "true"}, nil })
	cat, diags := run.Load(context.Background(), repo, "mx")
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	milter, _, _ := cat.Find("file.milter")
	if milter.Deferred || milter.Config.String("content", "") != "smtpd_milters = local:opendkim.sock\n" {
		t.Fatalf("file.milter: deferred %v, content %q", milter.Deferred, milter.Config.String("content", ""))
	}
	if got := cat.Computed["dkim_key.key.dns_matches"]; got != "true" {
		t.Fatalf("computed values used: %v", cat.Computed)
	}
}

// A producer whose Read panics while its computed values are read fails
// in the plan with the panic, is not called again, and what depends on it
// is unknown, naming it; the rest is planned.
func TestLoadProducerPanicFailsOnlyThatProducer(t *testing.T) {
	var reads atomic.Int32
	repo, state := openStub(t, panicking(&reads))
	cat, diags := run.Load(context.Background(), repo, "mx")
	if diags.HasErrors() || cat == nil {
		t.Fatalf("load: %v", diags)
	}
	p, err := run.Plan(context.Background(), cat, run.Options{StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("the panicking Read was called %d times, want once", n)
	}
	key, milter, motd := planned(t, p, "dkim_key.key"), planned(t, p, "file.milter"), planned(t, p, "file.motd")
	if !strings.HasPrefix(key.Error, "read: panic: the dkim_key kind is broken\n") {
		t.Fatalf("dkim_key.key: error %q, want the panic", key.Error)
	}
	want := "unknown: file.milter depends on computed attributes that are not known: dkim_key.key could not be read (panic: the dkim_key kind is broken)"
	if milter.Action != resources.Unknown || milter.Reason != want {
		t.Fatalf("file.milter: %s, %q\nwant unknown, %q", milter.Action, milter.Reason, want)
	}
	if motd.Action != resources.Create || motd.Error != "" {
		t.Fatalf("file.motd: %s %q, want create", motd.Action, motd.Error)
	}
}

// An apply fails the producer whose Read panicked, skips what depends on
// it and converges the rest.
func TestApplyProducerPanicSkipsDependents(t *testing.T) {
	var reads atomic.Int32
	repo, state := openStub(t, panicking(&reads))
	cat, diags := run.Load(context.Background(), repo, "mx")
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	a, err := run.Apply(context.Background(), cat, run.ApplyOptions{Options: run.Options{StateDir: state}})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]engine.Status{}
	for _, o := range a.Result.Outcomes {
		status[o.Addr] = o.Status
	}
	want := map[string]engine.Status{"dkim_key.key": engine.Failed, "file.milter": engine.Skipped, "file.motd": engine.Changed}
	for addr, s := range want {
		if status[addr] != s {
			t.Errorf("%s: %v, want %v", addr, status[addr], s)
		}
	}
	if a.Path == "" || a.ExitCode != 6 {
		t.Fatalf("report %q, exit code %d; want a report and 6", a.Path, a.ExitCode)
	}
}

func planned(t *testing.T, p *plan.Plan, addr string) plan.Resource {
	t.Helper()
	for _, r := range p.Resources {
		if r.Address == addr {
			return r
		}
	}
	t.Fatalf("%s not in the plan", addr)
	return plan.Resource{}
}

// A producer that cannot be read fails, what depends on its computed
// values is skipped, naming it, and the rest still converges.
func TestUnreadableProducerSkipsDependents(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("dkim_key sets the key's owner: needs root")
	}
	node := strings.Replace(computedNode, "dns_check = true", "dns_check = true\n    owner = \"0\"\n    group = \"0\"\n    resolver = \"127.0.0.1:1\"", 1)
	repo, root, state := openRepo(t, node, nil)
	writeFile(t, filepath.Join(root, "etc/dkim/s1.private"), "not a key\n")
	cat, diags := run.Load(context.Background(), repo, "mx")
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	milter, _, _ := cat.Find("file.milter")
	p, err := run.Plan(context.Background(), cat, run.Options{StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	why := planned(t, p, "file.milter").Reason
	if !milter.Deferred || !strings.HasPrefix(why, "unknown: file.milter depends on computed attributes that are not known: dkim_key.key could not be read (") {
		t.Fatalf("file.milter: deferred %v, %q", milter.Deferred, why)
	}
	a, err := run.Apply(context.Background(), cat, run.ApplyOptions{Options: run.Options{StateDir: state}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range a.Result.Outcomes {
		if o.Addr == "file.milter" && (o.Status != engine.Skipped || !strings.HasPrefix(o.SkippedBy, "depends on dkim_key.key")) {
			t.Fatalf("file.milter: %v %q", o.Status, o.SkippedBy)
		}
	}
	if b, err := os.ReadFile(filepath.Join(root, "etc/motd")); err != nil || string(b) != "hello\n" {
		t.Fatalf("independent resource not converged: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/milter.conf")); !os.IsNotExist(err) {
		t.Fatalf("milter.conf written though its input is unknown: %v", err)
	}
}
