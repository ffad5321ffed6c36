package config_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
)

// writeRepo writes a node repository into a new temporary directory.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openRepo(t *testing.T, dir string) *config.Repo {
	t.Helper()
	repo, diags := config.Open(config.Options{Repo: dir, Library: modules.Library, Registry: providers.Builtin()})
	if len(diags) > 0 {
		var buf bytes.Buffer
		config.WriteDiagnostics(&buf, diags, repo.Sources())
		t.Fatalf("open:\n%s", buf.String())
	}
	return repo
}

// catalog opens dir afresh and builds node's catalog, failing the test on
// any diagnostic.
func catalog(t *testing.T, dir, node string) *config.Catalog {
	t.Helper()
	repo := openRepo(t, dir)
	cat, diags := repo.Catalog(node)
	if len(diags) > 0 || cat == nil {
		var buf bytes.Buffer
		config.WriteDiagnostics(&buf, diags, repo.Sources())
		t.Fatalf("catalog %s:\n%s", node, buf.String())
	}
	return cat
}

// find returns the instance at addr and its index, failing the test when
// there is none.
func find(t *testing.T, cat *config.Catalog, addr string) (*config.Instance, int) {
	t.Helper()
	inst, i, ok := cat.Find(addr)
	if !ok {
		var have []string
		for _, in := range cat.Instances {
			have = append(have, in.Addr.String())
		}
		t.Fatalf("no instance %s; have %s", addr, strings.Join(have, ", "))
	}
	return inst, i
}

func str(t *testing.T, inst *config.Instance, attr string) string {
	t.Helper()
	v := inst.Config.Values[attr]
	if v.IsNull() {
		t.Fatalf("%s.%s is null", inst.Addr, attr)
	}
	return v.AsString()
}

// origin returns the origin named what among an attribute's origins.
func origin(t *testing.T, inst *config.Instance, attr, what string) config.Origin {
	t.Helper()
	for _, o := range inst.Origins[attr] {
		if o.What == what {
			return o
		}
	}
	t.Fatalf("%s.%s has no origin %s; has %v", inst.Addr, attr, what, inst.Origins[attr])
	return config.Origin{}
}

var layeredRepo = map[string]string{
	"nodes/web1.hcl": `
node "web1" {
  roles = ["web", "edge"]
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "${data.motd}|${data.port}|${data.domain}|${data.tier}"
  }
}
`,
	"nodes/default.hcl": `
node "default" {
  roles = ["web"]
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "${node.name}|${data.motd}|${data.port}"
  }
}
`,
	"roles/web.hcl": `role "web" {}`,
	"data/common.hcl": `motd = "common"
port = 80
domain = "example.org"
tier = "none"
`,
	"data/roles/web.hcl": `motd = "web"
port = 8080
tier = "web"
`,
	// A role with data only, no role block.
	"data/roles/edge.hcl": `tier = "edge"
`,
	"data/nodes/web1.hcl": `

motd = "web1"
`,
	"data/nodes/web2.hcl": `motd = "web2"
`,
}

// TestDataLayerPrecedence checks that the most specific layer setting a
// key wins (node over roles, a later role over an earlier one, roles over
// common) and that the provenance tells the winning layer, where it is
// written and which layers it overrides.
func TestDataLayerPrecedence(t *testing.T) {
	dir := writeRepo(t, layeredRepo)
	cat := catalog(t, dir, "web1")
	if !slices.Equal(cat.Roles, []string{"web", "edge"}) {
		t.Errorf("roles = %v", cat.Roles)
	}
	motd, _ := find(t, cat, "file.motd")
	if got, want := str(t, motd, "content"), "web1|8080|example.org|edge"; got != want {
		t.Errorf("content = %q, want %q", got, want)
	}

	for _, c := range []struct {
		what, file string
		line, col  int
		note       string
	}{
		{"data.motd", "data/nodes/web1.hcl", 3, 8,
			"layer node/web1; overrides role/web at data/roles/web.hcl:1:1, common at data/common.hcl:1:1"},
		{"data.port", "data/roles/web.hcl", 2, 8,
			"layer role/web; overrides common at data/common.hcl:2:1"},
		{"data.tier", "data/roles/edge.hcl", 1, 8,
			"layer role/edge; overrides role/web at data/roles/web.hcl:3:1, common at data/common.hcl:4:1"},
		{"data.domain", "data/common.hcl", 3, 10, "layer common"},
	} {
		o := origin(t, motd, "content", c.what)
		if o.Range.Filename != c.file || o.Range.Start.Line != c.line || o.Range.Start.Column != c.col {
			t.Errorf("%s comes from %s:%d:%d, want %s:%d:%d", c.what,
				o.Range.Filename, o.Range.Start.Line, o.Range.Start.Column, c.file, c.line, c.col)
		}
		if o.Note != c.note {
			t.Errorf("%s note = %q, want %q", c.what, o.Note, c.note)
		}
	}
	// The first origin is the attribute's own expression.
	if o := motd.Origins["content"][0]; o.What != "set" || o.Range.Filename != "nodes/web1.hcl" || o.Range.Start.Line != 6 {
		t.Errorf("first origin = %v, want the content expression in nodes/web1.hcl:6", o)
	}
	// This is the line `tend explain` prints.
	want := "data.motd                data/nodes/web1.hcl:3:8 (layer node/web1; overrides role/web at data/roles/web.hcl:1:1, common at data/common.hcl:1:1)"
	if got := origin(t, motd, "content", "data.motd").String(); got != want {
		t.Errorf("explain line:\n got %s\nwant %s", got, want)
	}
}

// TestDefaultNode checks that a node without a block of its own gets the
// "default" block, under its own name and with its own data layer.
func TestDefaultNode(t *testing.T) {
	dir := writeRepo(t, layeredRepo)
	for node, want := range map[string]string{
		"web2": "web2|web2|8080", // data/nodes/web2.hcl exists
		"web3": "web3|web|8080",  // no node layer
	} {
		cat := catalog(t, dir, node)
		if cat.Node != node {
			t.Errorf("catalog node = %q, want %q", cat.Node, node)
		}
		motd, _ := find(t, cat, "file.motd")
		if got := str(t, motd, "content"); got != want {
			t.Errorf("%s: content = %q, want %q", node, got, want)
		}
	}

	noDefault := maps.Clone(layeredRepo)
	delete(noDefault, "nodes/default.hcl")
	repo := openRepo(t, writeRepo(t, noDefault))
	if cat, diags := repo.Catalog("web3"); cat != nil || !diags.HasErrors() || diags[0].Summary != "Unknown node" {
		t.Errorf("without a default node: catalog %v, diagnostics %v", cat, diags)
	}
}

// TestSensitiveThroughModuleVariable checks that a value marked with
// sensitive() stays sensitive through a module variable, that a variable
// declared sensitive marks what it is given, and that Config.Values carry
// no marks.
func TestSensitiveThroughModuleVariable(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"modules/db/main.hcl": `
variable "password" { type = string }
variable "token" {
  type      = string
  sensitive = true
}
variable "user" { type = string }

resource "file" "password" {
  path    = "/etc/db/password"
  content = "${var.user}:${var.password}\n"
}
resource "file" "token" {
  path    = "/etc/db/token"
  content = var.token
}
resource "file" "user" {
  path    = "/etc/db/${var.user}"
  content = upper(var.user)
}
output "secret" {
  value     = var.user
  sensitive = true
}
`,
		"nodes/db.hcl": `
node "db" {
  module "db" {
    source   = "db"
    password = sensitive("hunter2")
    token    = "plain at the call"
    user     = "app"
  }
  resource "file" "echo" {
    path    = "/etc/echo"
    content = module.db.secret
  }
}
`,
	})
	cat := catalog(t, dir, "db")
	for _, c := range []struct {
		addr, content string
		sensitive     bool
	}{
		{"module.db.file.password", "app:hunter2\n", true},
		{"module.db.file.token", "plain at the call", true},
		{"module.db.file.user", "APP", false},
		{"file.echo", "app", true}, // a sensitive output
	} {
		inst, _ := find(t, cat, c.addr)
		if got := inst.Config.Sensitive["content"]; got != c.sensitive {
			t.Errorf("%s: content sensitive = %v, want %v", c.addr, got, c.sensitive)
		}
		if inst.Config.Sensitive["path"] {
			t.Errorf("%s: path is sensitive", c.addr)
		}
		v := inst.Config.Values["content"]
		if v.ContainsMarked() {
			t.Errorf("%s: Config.Values[content] carries marks", c.addr)
		} else if v.AsString() != c.content {
			t.Errorf("%s: content = %q, want %q", c.addr, v.AsString(), c.content)
		}
	}
}

// TestSensitiveThroughTemplate checks that sensitive values handed to a
// template, by the file kind's template attribute or by templatefile(),
// make the rendered content sensitive, and that other templates are not.
func TestSensitiveThroughTemplate(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"t/creds.tpl": "user=${user}\npassword=${password}\n",
		"t/list.tpl":  "%{ for k in keys ~}\nkey ${k}\n%{ endfor ~}\n",
		"modules/creds/main.hcl": `
variable "password" { type = string }
resource "file" "creds" {
  path     = "/etc/module-creds"
  template = "creds.tpl"
  vars     = { user = "m", password = var.password }
}
`,
		"modules/creds/creds.tpl": "user=${user}\npassword=${password}\n",
		"nodes/n.hcl": `
node "n" {
  resource "file" "attr" {
    path     = "/etc/attr"
    template = "t/creds.tpl"
    vars     = { user = "a", password = sensitive("s1") }
  }
  resource "file" "func" {
    path    = "/etc/func"
    content = templatefile("t/creds.tpl", { user = "f", password = sensitive("s2") })
  }
  resource "file" "nested" {
    path     = "/etc/nested"
    template = "t/list.tpl"
    vars     = { keys = ["k1", sensitive("k2")] }
  }
  resource "file" "plain" {
    path     = "/etc/plain"
    template = "t/creds.tpl"
    vars     = { user = "p", password = "not secret" }
  }
  module "creds" {
    source   = "creds"
    password = sensitive("s3")
  }
}
`,
	})
	cat := catalog(t, dir, "n")
	for _, c := range []struct {
		addr, attr, content string
		sensitive           bool
	}{
		{"file.attr", "template", "user=a\npassword=s1\n", true},
		{"file.func", "content", "user=f\npassword=s2\n", true},
		{"file.nested", "template", "key k1\nkey k2\n", true},
		{"file.plain", "template", "user=p\npassword=not secret\n", false},
		{"module.creds.file.creds", "template", "user=m\npassword=s3\n", true},
	} {
		inst, _ := find(t, cat, c.addr)
		if got := inst.Config.Sensitive[c.attr]; got != c.sensitive {
			t.Errorf("%s: %s sensitive = %v, want %v", c.addr, c.attr, got, c.sensitive)
		}
		if v := inst.Config.Values[c.attr]; v.ContainsMarked() {
			t.Errorf("%s: Config.Values[%s] carries marks", c.addr, c.attr)
		} else if v.AsString() != c.content {
			t.Errorf("%s: %s = %q, want %q", c.addr, c.attr, v.AsString(), c.content)
		}
	}
}

// TestForEachAddresses checks instance addresses of for_each over a set and
// a map, at the root and in a module, and that depends_on can name one
// instance.
func TestForEachAddresses(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"modules/sites/main.hcl": `
variable "names" { type = set(string) }
resource "file" "site" {
  for_each = var.names
  path     = "/srv/${each.key}"
  ensure   = "directory"
}
`,
		"nodes/n.hcl": `
node "n" {
  resource "file" "x" {
    for_each = toset(["a", "b"])
    path     = "/etc/x-${each.key}"
    content  = each.value
  }
  resource "file" "port" {
    for_each = { www = 80, api = 8080 }
    path     = "/etc/port-${each.key}"
    content  = "${each.key}=${each.value}"
  }
  resource "file" "after_b" {
    path       = "/etc/after-b"
    depends_on = [file.x["b"]]
  }
  module "sites" {
    source = "./modules/sites"
    names  = ["blog", "shop"]
  }
}
`,
	})
	cat := catalog(t, dir, "n")
	var addrs []string
	for _, inst := range cat.Instances {
		addrs = append(addrs, inst.Addr.String())
	}
	want := []string{
		`file.x["a"]`, `file.x["b"]`,
		`file.port["api"]`, `file.port["www"]`,
		`file.after_b`,
		`module.sites.file.site["blog"]`, `module.sites.file.site["shop"]`,
	}
	if !slices.Equal(addrs, want) {
		t.Errorf("addresses:\n got %q\nwant %q", addrs, want)
	}
	xa, ia := find(t, cat, `file.x["a"]`)
	if !xa.Addr.Keyed || xa.Addr.Key != "a" || xa.Addr.Name != "x" || xa.Addr.Kind != "file" {
		t.Errorf("address parts = %+v", xa.Addr)
	}
	if got := str(t, xa, "content"); got != "a" {
		t.Errorf(`file.x["a"] content = %q`, got)
	}
	api, _ := find(t, cat, `file.port["api"]`)
	if got := str(t, api, "content"); got != "api=8080" {
		t.Errorf(`file.port["api"] content = %q`, got)
	}
	site, _ := find(t, cat, `module.sites.file.site["shop"]`)
	if !slices.Equal(site.Addr.Module, []string{"sites"}) || site.Addr.Key != "shop" {
		t.Errorf("module instance address parts = %+v", site.Addr)
	}
	_, ib := find(t, cat, `file.x["b"]`)
	_, iafter := find(t, cat, "file.after_b")
	if got := cat.Graph.Why(ib, iafter); got != "depends_on" {
		t.Errorf(`edge file.x["b"] -> file.after_b is %q, want depends_on`, got)
	}
	if got := cat.Graph.Why(ia, iafter); got != "" {
		t.Errorf(`file.after_b depends on file.x["a"] too (%q)`, got)
	}
}

// TestNotify checks that notify fills Instance.Notify and orders the
// notified resource after the notifier.
func TestNotify(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"nodes/n.hcl": `
node "n" {
  resource "file" "conf" {
    path    = "/etc/app.conf"
    content = "x"
    notify  = [exec.reload, exec.rebuild]
  }
  resource "file" "other" {
    path    = "/etc/other"
  }
  resource "exec" "reload" {
    command      = "systemctl reload app"
    refresh_only = true
  }
  resource "exec" "rebuild" {
    command      = "make -C /etc/app"
    refresh_only = true
  }
}
`,
	})
	cat := catalog(t, dir, "n")
	conf, iconf := find(t, cat, "file.conf")
	reload, ireload := find(t, cat, "exec.reload")
	_, irebuild := find(t, cat, "exec.rebuild")
	_, iother := find(t, cat, "file.other")
	if !slices.Equal(conf.Notify, []int{ireload, irebuild}) {
		t.Errorf("file.conf notifies %v, want [%d %d]", conf.Notify, ireload, irebuild)
	}
	if len(reload.Notify) != 0 {
		t.Errorf("exec.reload notifies %v", reload.Notify)
	}
	for _, to := range []int{ireload, irebuild} {
		if got := cat.Graph.Why(iconf, to); got != "notify" {
			t.Errorf("edge file.conf -> %s is %q, want notify", cat.Instances[to].Addr, got)
		}
		if !slices.Contains(cat.Graph.Deps(to), iconf) {
			t.Errorf("%s does not wait for file.conf", cat.Instances[to].Addr)
		}
	}
	if cat.Graph.Why(iother, ireload) != "" || len(cat.Graph.Deps(iother)) != 0 {
		t.Errorf("file.other has edges: deps %v", cat.Graph.Deps(iother))
	}
	if !reload.Config.Bool("refresh_only", false) {
		t.Error("exec.reload is not refresh_only")
	}
}

// TestImplicitParentDirectory checks that a file waits for whatever
// manages a directory above it, whatever the declaration order, and for
// nothing else.
func TestImplicitParentDirectory(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"nodes/n.hcl": `
node "n" {
  resource "file" "conf" {
    path    = "/etc/x/app.conf"
    content = "x"
  }
  resource "file" "deep" {
    path    = "/etc/x/sub/deep.conf"
    content = "x"
  }
  resource "file" "sibling" {
    path    = "/etc/xy.conf"
    content = "x"
  }
  resource "file" "dir" {
    path   = "/etc/x/"
    ensure = "directory"
  }
}
`,
	})
	cat := catalog(t, dir, "n")
	_, idir := find(t, cat, "file.dir")
	for _, addr := range []string{"file.conf", "file.deep"} {
		_, i := find(t, cat, addr)
		if got := cat.Graph.Why(idir, i); got != "needs file:/etc/x" {
			t.Errorf("edge file.dir -> %s is %q, want \"needs file:/etc/x\"", addr, got)
		}
	}
	_, isib := find(t, cat, "file.sibling")
	if deps := cat.Graph.Deps(isib); len(deps) != 0 {
		t.Errorf("/etc/xy.conf waits for %v", deps)
	}
	if deps := cat.Graph.Deps(idir); len(deps) != 0 {
		t.Errorf("the directory waits for %v", deps)
	}
}

// TestDigestFollowsTemplate checks that Catalog.Digest is stable across
// loads of an unchanged repository, changes when a template or a file read
// with templatefile() changes, and ignores files the catalog does not read.
func TestDigestFollowsTemplate(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"nodes/n.hcl": `
node "n" {
  resource "file" "motd" {
    path     = "/etc/motd"
    template = "motd.tpl"
    vars     = { name = node.name }
  }
  resource "file" "issue" {
    path    = "/etc/issue"
    content = templatefile("issue.tpl", {})
  }
}
`,
		"motd.tpl":  "Welcome to ${name}\n",
		"issue.tpl": "Issue\n",
		"README.md": "not configuration\n",
	})
	digest := func() string { return catalog(t, dir, "n").Digest }
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d0 := digest()
	if d0 == "" {
		t.Fatal("empty digest")
	}
	if d := digest(); d != d0 {
		t.Fatalf("digest of an unchanged repository moved: %s, then %s", d0, d)
	}
	write("README.md", "still not configuration\n")
	if d := digest(); d != d0 {
		t.Errorf("digest moved when an unread file changed")
	}
	write("motd.tpl", "Welcome to ${name}!\n")
	d1 := digest()
	if d1 == d0 {
		t.Errorf("digest did not change when the template changed")
	}
	write("issue.tpl", "Issue!\n")
	if d2 := digest(); d2 == d1 {
		t.Errorf("digest did not change when the templatefile() template changed")
	}
}

func TestDigestDoesNotDependOnLoadOrder(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("nodes/n.hcl", "node \"a\" {\n  resource \"file\" \"x\" {\n    path    = \"/a\"\n    content = file(\"a.txt\")\n  }\n}\nnode \"b\" {\n  resource \"file\" \"x\" {\n    path    = \"/b\"\n    content = data.b\n  }\n}\n")
	write("a.txt", "a\n")
	write("data/nodes/b.hcl", "b = \"b\"\n")
	digest := func(order ...string) string {
		repo, diags := config.Open(config.Options{Repo: dir, Library: modules.Library, Registry: providers.Builtin()})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		var last string
		for _, n := range order {
			cat, diags := repo.Catalog(n)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			last = cat.Digest
		}
		return last
	}
	if digest("a") != digest("b", "a") {
		t.Fatal("node a's digest depends on whether node b was evaluated first")
	}
	before := digest("b")
	write("a.txt", "changed\n")
	if digest("b") != before {
		t.Fatal("node b's digest moved when a file only node a reads changed")
	}
}
