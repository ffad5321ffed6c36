package catalogdiff

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/testfixtures/gitrepo"
)

// The example repository, in a git repository of its own, with the base
// module copied in from the library (so a commit can change it), a second
// relay and a node without roles: the relay role's data then reaches two
// nodes of three, and the base module two of three.
var extraFiles = map[string]string{
	"nodes/relay2.hcl": `node "relay2" {
  roles = ["mail-server", "mail-relay"]
}
`,
	"data/nodes/relay2.hcl": `mydomain      = "relay2.intra.example.org"
myhostname    = "relay2.example.org"
mydestination = ["relay2.example.org", "relay2", "localhost"]
`,
	"nodes/bare.hcl": `node "bare" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "bare.example.org\n"
  }
}
`,
}

func exampleRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../testfixtures/example")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "modules", "base"), os.DirFS("../../modules/base")); err != nil {
		t.Fatal(err)
	}
	for name, text := range extraFiles {
		writeFile(t, dir, name, text)
	}
	gitrepo.Git(t, dir, "init", "-q", "-b", "main")
	gitrepo.CommitAll(t, dir, "the example")
	return dir
}

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// edit replaces old by new in a file of the repository, which must hold it.
func edit(t *testing.T, dir, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s holds no %q", name, old)
	}
	writeFile(t, dir, name, strings.Replace(string(b), old, new, 1))
}

func diff(t *testing.T, dir, node string) (*Report, string) {
	t.Helper()
	rep, err := Run(context.Background(), Options{Old: "HEAD~1", New: "HEAD", Node: node,
		Config: config.Options{Repo: dir, Library: modules.Library, Registry: providers.Builtin()}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	Write(&b, rep)
	return rep, b.String()
}

// statuses maps each node to its status.
func statuses(rep *Report) map[string]Status {
	out := map[string]Status{}
	for _, n := range rep.Nodes {
		out[n.Name] = n.Status
	}
	return out
}

func TestRoleDataReachesTheRolesNodes(t *testing.T) {
	dir := exampleRepo(t)
	edit(t, dir, "data/roles/mail-relay.hcl", `dkim_selector     = "2015"`, `dkim_selector     = "2016"`)
	gitrepo.CommitAll(t, dir, "a new DKIM selector")
	rep, out := diff(t, dir, "")
	want := map[string]Status{"bare": Unchanged, "email": Unchanged, "emailout": Changed, "relay2": Changed}
	if got := statuses(rep); !maps(got, want) {
		t.Errorf("statuses %v, want %v\n%s", got, want, out)
	}
	for _, line := range []string{
		"node bare: unchanged\n", "node email: unchanged\n",
		"  ~ module.opendkim.dkim_key.key\n      ~ selector = \"2015\" -> \"2016\"\n",
		"      -Selector\t\t2015\n      +KeyFile\t\t\t/etc/dkim/2016.private\n      +Selector\t\t2016\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("no %q in\n%s", line, out)
		}
	}
	if !rep.Differs() || rep.Broken() {
		t.Errorf("Differs %v, Broken %v; want true, false", rep.Differs(), rep.Broken())
	}
}

func TestSensitiveValueMasked(t *testing.T) {
	dir := exampleRepo(t)
	edit(t, dir, "data/roles/mail-host.hcl", `sensitive("postfix-db-placeholder")`, `sensitive("postfix-db-changed")`)
	gitrepo.CommitAll(t, dir, "a new database password")
	rep, out := diff(t, dir, "")
	if got := statuses(rep); got["email"] != Changed || got["emailout"] != Unchanged {
		t.Errorf("statuses %v: want email changed, emailout unchanged\n%s", got, out)
	}
	for _, secret := range []string{"postfix-db-placeholder", "postfix-db-changed"} {
		if strings.Contains(out, secret) {
			t.Errorf("the password %q is shown:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "-(sensitive line 4)\n      +(sensitive line 4)\n") {
		t.Errorf("no masked line diff of the MySQL map:\n%s", out)
	}
}

func TestModuleChangeReachesEveryUser(t *testing.T) {
	dir := exampleRepo(t)
	edit(t, dir, "modules/base/templates/aliases.tpl", "local changes are replaced.\n", "local changes are replaced.\n# Reviewed.\n")
	gitrepo.CommitAll(t, dir, "the aliases say they were reviewed")
	rep, out := diff(t, dir, "")
	want := map[string]Status{"bare": Unchanged, "email": Changed, "emailout": Changed, "relay2": Changed}
	if got := statuses(rep); !maps(got, want) {
		t.Errorf("statuses %v, want %v\n%s", got, want, out)
	}
	if n := strings.Count(out, "      +# Reviewed.\n"); n != 3 {
		t.Errorf("the new line shown %d times, want 3:\n%s", n, out)
	}
}

func TestAddedRemovedAndBroken(t *testing.T) {
	dir := exampleRepo(t)
	edit(t, dir, "nodes/bare.hcl", `resource "file" "motd"`, `resource "file" "issue"`)
	edit(t, dir, "nodes/relay2.hcl", `roles = [`, `roles = [undefined, `)
	gitrepo.CommitAll(t, dir, "motd renamed, relay2 broken")
	rep, out := diff(t, dir, "")
	var bare, relay2 Node
	for _, n := range rep.Nodes {
		switch n.Name {
		case "bare":
			bare = n
		case "relay2":
			relay2 = n
		}
	}
	if !slices.Equal(bare.Added, []string{"file.issue"}) || !slices.Equal(bare.Removed, []string{"file.motd"}) {
		t.Errorf("bare: added %v, removed %v; want file.issue, file.motd\n%s", bare.Added, bare.Removed, out)
	}
	if relay2.Status != Failed || !strings.Contains(relay2.NewDiagnostics, "nodes/relay2.hcl:2:") || relay2.OldDiagnostics != "" {
		t.Errorf("relay2: %+v; want failed at the new side with its diagnostics\n%s", relay2, out)
	}
	if !rep.Broken() {
		t.Errorf("Broken() is false with relay2 failing at the new side")
	}
}

func TestOneNodeAndUnknownRef(t *testing.T) {
	dir := exampleRepo(t)
	gitrepo.Git(t, dir, "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", "nothing")
	rep, out := diff(t, dir, "email")
	if len(rep.Nodes) != 1 || rep.Nodes[0].Name != "email" || rep.Differs() {
		t.Errorf("want node email alone, unchanged:\n%s", out)
	}
	_, err := Run(context.Background(), Options{Old: "HEAD", New: "no-such-branch",
		Config: config.Options{Repo: dir, Library: modules.Library, Registry: providers.Builtin()}})
	if _, ok := err.(*RefError); !ok {
		t.Errorf("unknown ref: %v, want a RefError", err)
	}
	_, err = Run(context.Background(), Options{Old: "HEAD", New: "HEAD", Node: "nowhere",
		Config: config.Options{Repo: dir, Library: modules.Library, Registry: providers.Builtin()}})
	if err == nil || !strings.Contains(err.Error(), `no node "nowhere"`) {
		t.Errorf("unknown node: %v", err)
	}
}

func maps(a, b map[string]Status) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestBrokenNodeFile(t *testing.T) {
	dir := exampleRepo(t)
	edit(t, dir, "nodes/bare.hcl", `node "bare" {`, `node "bare" {{`)
	gitrepo.CommitAll(t, dir, "bare does not parse")
	rep, out := diff(t, dir, "")
	if !rep.New.Failed || rep.Old.Failed || !strings.Contains(rep.New.Diagnostics, "nodes/bare.hcl:1:") || !rep.Broken() {
		t.Errorf("want the new side failed with the diagnostics of nodes/bare.hcl, and Broken():\n%s", out)
	}
}

// TestRepositoryInSubdirectory compares a node repository kept in a
// subdirectory of the git work tree, and refuses a directory outside one.
func TestRepositoryInSubdirectory(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	if err := os.CopyFS(site, os.DirFS("../../testfixtures/example")); err != nil {
		t.Fatal(err)
	}
	gitrepo.Git(t, dir, "init", "-q", "-b", "main")
	gitrepo.CommitAll(t, dir, "the example under site/")
	edit(t, site, "data/roles/mail-relay.hcl", `dkim_selector     = "2015"`, `dkim_selector     = "2016"`)
	gitrepo.CommitAll(t, dir, "a new DKIM selector")
	rep, out := diff(t, site, "")
	want := map[string]Status{"email": Unchanged, "emailout": Changed}
	if got := statuses(rep); !maps(got, want) {
		t.Errorf("statuses %v, want %v\n%s", got, want, out)
	}
	_, err := Run(context.Background(), Options{Old: "HEAD", New: "HEAD",
		Config: config.Options{Repo: t.TempDir(), Library: modules.Library, Registry: providers.Builtin()}})
	if err == nil || !strings.Contains(err.Error(), "is not in a git work tree") {
		t.Errorf("outside a work tree: %v", err)
	}
}
