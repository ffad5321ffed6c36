package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tendhq/tend/providers/exec"
	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// transports are the ways a test reaches a Provider: directly, and
// through a real gRPC connection to a server holding the same provider.
var transports = []struct {
	name string
	wrap func(t *testing.T, p Provider) Provider
}{
	{"local", func(t *testing.T, p Provider) Provider { return p }},
	{"grpc", overGRPC},
}

// overGRPC serves p on a real gRPC connection, over a unix socket, and
// returns the client end. (go-plugin's TestPluginGRPCConn would do too,
// but logs every stream at debug level.)
func overGRPC(t *testing.T, p Provider) Provider {
	t.Helper()
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "provider.sock"))
	if err != nil {
		t.Fatal(err)
	}
	server := grpc.NewServer()
	if err := (&grpcPlugin{p: p}).GRPCServer(nil, server); err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(ln) }()
	conn, err := grpc.NewClient("unix:"+ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		server.Stop()
	})
	raw, err := (&grpcPlugin{}).GRPCClient(context.Background(), nil, conn)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(Provider)
}

// forEachTransport runs test once per transport, with a provider of the
// real file and exec kinds.
func forEachTransport(t *testing.T, test func(t *testing.T, p Provider)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { test(t, tr.wrap(t, Local(files.Kind(), exec.Kind()))) })
	}
}

type attrs map[string]cty.Value

func request(t testing.TB, kind, name string, a attrs, env resources.Env) Request {
	schema := files.Schema
	if kind == exec.KindName {
		schema = exec.Schema
	}
	// Every attribute of the schema is present, null when unset, as the
	// loader hands them over.
	cfg := kindtest.Config(t, schema, env, a)
	cfg.Addr = resources.Address{Kind: kind, Name: name}
	return Request{Kind: kind, Config: cfg}
}

func TestConformance(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, p Provider)
	}{
		{"schemas survive the trip", testSchemas},
		{"bind tells identity, needs and refresh", testBind},
		{"attribute errors keep their attribute", testBindAttrError},
		{"a file converges, then is unchanged", testFileConverges},
		{"sensitive content stays masked", testSensitive},
		{"exec output, maps and lists", testExecOutput},
		{"a kind without refresh says so", testNoRefresh},
		{"errors come back as errors", testErrors},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { forEachTransport(t, c.run) })
	}
}

func testSchemas(t *testing.T, p Provider) {
	got, err := p.Schemas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []resources.Schema{files.Schema, exec.Schema}
	if len(got) != len(want) {
		t.Fatalf("%d schemas, want %d", len(got), len(want))
	}
	for i := range want {
		// A default's number holds its precision in a way JSON does not
		// keep; the same value, written out, is the same.
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if !reflect.DeepEqual(got[i].Attrs[0].Type, want[i].Attrs[0].Type) || string(g) != string(w) {
			t.Errorf("schema %s came back as\n%+v\nwant\n%+v", want[i].Kind, got[i], want[i])
		}
	}
}

func testBind(t *testing.T, p Provider) {
	ctx := context.Background()
	b, err := p.Bind(ctx, request(t, "file", "f", attrs{"path": cty.StringVal("/etc/app/app.conf")}, resources.Env{}))
	if err != nil {
		t.Fatal(err)
	}
	want := Binding{Identities: []resources.ID{resources.FileID("/etc/app/app.conf")},
		Order: []resources.Order{resources.After(resources.FileID("/etc")), resources.After(resources.FileID("/etc/app"))}}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("file binding %+v, want %+v", b, want)
	}
	b, err = p.Bind(ctx, request(t, "exec", "e", attrs{"command": cty.StringVal("true")}, resources.Env{}))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Refreshes || fmt.Sprint(b.Identities) != "[exec:exec.e]" {
		t.Errorf("exec binding %+v, want identity exec:exec.e that refreshes", b)
	}
}

func testBindAttrError(t *testing.T, p Provider) {
	req := request(t, "file", "f", attrs{"path": cty.StringVal("/etc/x"), "mode": cty.StringVal("rwx")}, resources.Env{})
	b, err := p.Bind(context.Background(), req)
	var ae *resources.AttrError
	if !errors.As(err, &ae) || ae.Attr != "mode" {
		t.Fatalf("Bind error %#v, want an AttrError about mode", err)
	}
	if fmt.Sprint(b.Identities) != "[file:/etc/x]" {
		t.Errorf("identities %v are lost with the error", b.Identities)
	}
	if _, err := p.Bind(context.Background(), request(t, "nope", "x", nil, resources.Env{})); err == nil {
		t.Error("binding an unknown kind succeeded")
	}
}

// converge drives one instance as the engine does and returns the
// change it planned.
func converge(t *testing.T, p Provider, req Request) resources.Change {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Bind(ctx, req); err != nil {
		t.Fatalf("Bind: %v", err)
	}
	st, err := p.Read(ctx, req)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	c, err := p.Plan(ctx, req, st)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if c.Action == resources.NoOp {
		return c
	}
	if _, err := p.Apply(ctx, req, c); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := p.Verify(ctx, req); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return c
}

func testFileConverges(t *testing.T, p Provider) {
	root := t.TempDir()
	env := resources.Env{Root: root, StateDir: t.TempDir()}
	req := request(t, "file", "f", attrs{"path": cty.StringVal("/motd"), "content": cty.StringVal("hello\n"), "mode": cty.StringVal("0640")}, env)
	c := converge(t, p, req)
	if c.Action != resources.Create || c.Content == nil || len(c.Content.Hunks) != 1 || c.Content.Hunks[0].Lines[0].Text != "hello" {
		t.Fatalf("first change %+v, want a create with the content's diff", c)
	}
	if b, err := os.ReadFile(filepath.Join(root, "motd")); err != nil || string(b) != "hello\n" {
		t.Fatalf("file holds %q (%v)", b, err)
	}
	if c := converge(t, p, req); c.Action != resources.NoOp {
		t.Fatalf("second change %+v, want no-op", c)
	}
}

func testSensitive(t *testing.T, p Provider) {
	env := resources.Env{Root: t.TempDir(), StateDir: t.TempDir()}
	req := request(t, "file", "secret", attrs{"path": cty.StringVal("/secret"), "content": cty.StringVal("hunter2\n")}, env)
	req.Config.Sensitive["content"] = true
	c := converge(t, p, req)
	if c.Content == nil || !c.Content.Sensitive {
		t.Fatalf("change %+v: content is not marked sensitive", c)
	}
	for _, h := range c.Content.Hunks {
		for _, l := range h.Lines {
			if strings.Contains(l.Text, "hunter2") {
				t.Fatalf("the secret shows in the diff: %q", l.Text)
			}
		}
	}
}

func testExecOutput(t *testing.T, p Provider) {
	ctx := context.Background()
	env := resources.Env{Root: t.TempDir()}
	req := request(t, "exec", "e", attrs{
		"command":     cty.StringVal(`echo "$GREETING"; exit 3`),
		"environment": cty.MapVal(map[string]cty.Value{"GREETING": cty.StringVal("hello from exec")}),
		"returns":     cty.ListVal([]cty.Value{cty.NumberIntVal(0), cty.NumberIntVal(3)}),
	}, env)
	c := converge(t, p, req)
	if c.Action != resources.Create {
		t.Fatalf("change %+v, want create", c)
	}
	res, err := p.Apply(ctx, req, c)
	if err != nil || !strings.Contains(res.Output, "hello from exec") {
		t.Fatalf("Apply: output %q, err %v", res.Output, err)
	}
	res, err = p.Refresh(ctx, req)
	if err != nil || !strings.Contains(res.Output, "hello from exec") {
		t.Fatalf("Refresh: output %q, err %v", res.Output, err)
	}
}

func testNoRefresh(t *testing.T, p Provider) {
	req := request(t, "file", "f", attrs{"path": cty.StringVal("/x")}, resources.Env{Root: t.TempDir()})
	if _, err := p.Bind(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Refresh(context.Background(), req); !errors.Is(err, ErrNoRefresh) {
		t.Fatalf("Refresh of a file: %v, want ErrNoRefresh", err)
	}
}

func testErrors(t *testing.T, p Provider) {
	ctx := context.Background()
	req := request(t, "exec", "fails", attrs{"command": cty.StringVal("echo broken; exit 1")}, resources.Env{Root: t.TempDir()})
	if _, err := p.Bind(ctx, req); err != nil {
		t.Fatal(err)
	}
	res, err := p.Apply(ctx, req, resources.Change{Action: resources.Create})
	if err == nil || !strings.Contains(err.Error(), "exited 1") || !strings.Contains(res.Output, "broken") {
		t.Fatalf("Apply of a failing command: output %q, err %v", res.Output, err)
	}
	// A request the provider cannot use fails that call only.
	if _, err := p.Read(ctx, Request{Kind: "file"}); err == nil {
		t.Fatal("a request without configuration was read")
	}
}

// probeKind is a kind whose Apply does only what its Plan's intent says:
// it records the word Plan chose, and fails without the intent.
type probeKind struct{ applied *[]string }

// probePlan is probeKind's intent.
type probePlan struct{ word string }

var probeSchema = resources.Schema{Kind: "probe", Attrs: []resources.AttrSchema{{Name: "word", Type: cty.String, Required: true}}}

func (probeKind) Schema() resources.Schema                    { return probeSchema }
func (probeKind) Identities(*resources.Config) []resources.ID { return nil }
func (probeKind) Order(*resources.Config) []resources.Order   { return nil }
func (k probeKind) New(cfg *resources.Config) (resources.Resource, error) {
	return &probe{word: cfg.String("word", ""), applied: k.applied}, nil
}

type probe struct {
	word    string
	applied *[]string
}

func (r *probe) Read(context.Context) (resources.State, error) { return resources.State{}, nil }

func (r *probe) Plan(context.Context, resources.State) (resources.Change, error) {
	c := resources.Change{Action: resources.Create, Reason: "always",
		Attrs: []resources.AttrChange{resources.NewAttrChange("word", "", r.word, false)}}
	return resources.WithIntent(c, probePlan{word: r.word}), nil
}

func (r *probe) Apply(_ context.Context, c resources.Change) error {
	p, err := resources.IntentOf[probePlan](c)
	if err != nil {
		return fmt.Errorf("probe %s: %w", r.word, err)
	}
	*r.applied = append(*r.applied, p.word)
	return nil
}

func (r *probe) Verify(context.Context) error { return nil }

func probeRequest(word string) Request {
	cfg := &resources.Config{Addr: resources.Address{Kind: "probe", Name: "p"},
		Values: map[string]cty.Value{"word": cty.StringVal(word)}, Sensitive: map[string]bool{}}
	return Request{Kind: "probe", Config: cfg}
}

// A kind's Apply gets the intent its Plan attached, in process and over
// the protocol, though the Change crosses it without one; the display
// text it comes back with does not matter.
func TestConformanceIntent(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			var applied []string
			p := tr.wrap(t, Local(probeKind{applied: &applied}))
			ctx, req := context.Background(), probeRequest("planned")
			if _, err := p.Bind(ctx, req); err != nil {
				t.Fatalf("Bind: %v", err)
			}
			hand := resources.Change{Action: resources.Create, Attrs: []resources.AttrChange{{Name: "word", New: "planned"}}}
			if _, err := p.Apply(ctx, req, hand); err == nil || !strings.Contains(err.Error(), "probe planned") {
				t.Fatalf("Apply of a change no Plan made: %v, want an error", err)
			}
			c, err := p.Plan(ctx, req, resources.State{})
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			c.Attrs[0].New = "altered"
			if _, err := p.Apply(ctx, req, c); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if len(applied) != 1 || applied[0] != "planned" {
				t.Fatalf("applied %q, want what Plan decided", applied)
			}
		})
	}
}
