package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
	"github.com/tendhq/tend/testfixtures/gitrepo"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// document is one JSON document tend wrote, and the schema it follows.
type document struct {
	schema string // the schema's file name
	what   string // how it was made, for messages
	json   []byte
}

// cached holds the documents once made, for the tests after the first:
// making them plans and applies several repositories.
var cached []document

// documents makes, by running tend's own code, every kind of document the
// schemas describe, in the variants that exercise them.
func documents(t *testing.T) []document {
	t.Helper()
	if cached == nil {
		var docs []document
		docs = append(docs, examplePlan(t))
		docs = append(docs, runDocuments(t)...)
		docs = append(docs, failureDocuments(t)...)
		docs = append(docs, catalogDiffs(t)...)
		cached = docs
	}
	return cached
}

// tend runs the CLI as the binary does and returns what it printed,
// failing unless it exits want.
func tend(t *testing.T, want int, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := cli.Main(args, &stdout, &stderr); code != want {
		t.Fatalf("tend %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// examplePlan plans the example's emailout relay against a scratch root
// with its packages installed, as `make example` does.
func examplePlan(t *testing.T) document {
	repo := filepath.Join(t.TempDir(), "repo")
	if err := os.CopyFS(repo, os.DirFS("../../testfixtures/example")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(repo, "secrets")); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "root")
	if err := scratchroot.PrepareFor(root, repo, "emailout"); err != nil {
		t.Fatal(err)
	}
	out := tend(t, 2, "plan", "--json", "--repo", repo, "--node", "emailout", "--root", root,
		"--state-dir", filepath.Join(t.TempDir(), "state"))
	return document{"plan.schema.json", "tend plan --json of the example's emailout", out}
}

// site is a node repository whose plans and applies show every action
// and outcome: mx is applied, accounts only planned (it would run
// useradd; its files fail to plan, for want of an owner and because a
// file stands where a directory should, and its token is encrypted to an
// identity the host does not hold).
var site = map[string]string{
	"nodes/mx.hcl": `node "mx" {
  resource "file" "hostname" {
    path    = "/etc/hostname"
    content = "mx\n"
  }
  resource "file" "postfix_dir" {
    path   = "/etc/postfix"
    ensure = "directory"
  }
  resource "file" "main_cf" {
    path       = "/etc/postfix/main.cf"
    content    = "# managed\nmyhostname = mx.example.net\nmydestination = localhost,\n    mx.example.net\n"
    depends_on = [file.postfix_dir]
    notify     = [exec.reload]
  }
  resource "file" "master_cf" {
    path       = "/etc/postfix/master.cf"
    content    = "smtp      inet  n       -       y       -       -       smtpd\n"
    depends_on = [file.postfix_dir]
  }
  resource "file" "opendkim_conf" {
    path    = "/etc/opendkim.conf"
    content = "Selector 2016\nKeyFile /etc/dkim/2016.private\n"
  }
  resource "file" "sources" {
    path    = "/etc/sources.list"
    content = "deb http://deb.debian.org/debian bookworm main\n"
  }
  resource "exec" "reload" {
    command      = "true"
    refresh_only = true
  }
  resource "file" "dovecot_dir" {
    path   = "/etc/dovecot"
    ensure = "directory"
  }
  resource "file" "sql" {
    path       = "/etc/dovecot/dovecot-sql.conf.ext"
    content    = sensitive("driver = pgsql\npassword = hunter2\n")
    mode       = "0600"
    depends_on = [file.dovecot_dir]
  }
  resource "file" "key" {
    path    = "/etc/app.key"
    content = "key\n"
    mode    = sensitive("0600")
  }
  resource "file" "old" {
    path   = "/etc/old.conf"
    ensure = "absent"
  }
  resource "exec" "fails" {
    command = "echo checking; exit 3"
  }
  resource "file" "after_fails" {
    path       = "/etc/after.conf"
    content    = "after\n"
    depends_on = [exec.fails]
  }
}
`,
	"nodes/accounts.hcl": `node "accounts" {
  resource "user" "app" {
    name = "app"
  }
  resource "file" "app_conf" {
    path       = "/etc/app.conf"
    content    = "app\n"
    owner      = "app"
    depends_on = [user.app]
  }
  resource "file" "ghost_conf" {
    path    = "/etc/ghost.conf"
    content = "ghost\n"
    owner   = "ghost"
  }
  resource "file" "token" {
    path    = "/etc/app.token"
    content = data.app_token
  }
  resource "file" "under_file" {
    path    = "/etc/hostname/sub"
    content = "sub\n"
  }
}
`,
}

// runDocuments plans, saves a plan, applies, drifts and plans again, and
// previews, on the site repository.
func runDocuments(t *testing.T) []document {
	repo, root, state := filepath.Join(t.TempDir(), "repo"), filepath.Join(t.TempDir(), "root"), filepath.Join(t.TempDir(), "state")
	writeFiles(t, repo, site)
	writeFiles(t, repo, map[string]string{"data/nodes/accounts.hcl": encryptedToken(t)})
	if err := scratchroot.Prepare(root, nil); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"etc/hostname": "mx\n", "etc/old.conf": "old\n"})
	flags := []string{"--repo", repo, "--root", root, "--state-dir", state}
	mx := append([]string{"--node", "mx"}, flags...)
	accounts := append([]string{"--node", "accounts", "--identity", filepath.Join(t.TempDir(), "none.txt")}, flags...)
	saved := filepath.Join(t.TempDir(), "mx.plan")
	docs := []document{
		{"plan.schema.json", "tend plan --json of a new host", tend(t, 2, append([]string{"plan", "--json"}, mx...)...)},
		{"plan.schema.json", "tend plan --json with accounts", tend(t, 6, append([]string{"plan", "--json"}, accounts...)...)},
	}
	tend(t, 2, append([]string{"plan", "--out", saved}, mx...)...)
	docs = append(docs, document{"saved-plan.schema.json", "tend plan --out", readFile(t, saved)})
	tend(t, 6, append([]string{"apply"}, mx...)...)
	reports, err := filepath.Glob(filepath.Join(state, report.ReportsDir, "*.json"))
	if err != nil || len(reports) != 1 {
		t.Fatalf("reports %v (%v), want one", reports, err)
	}
	docs = append(docs,
		document{"report.schema.json", "the report of tend apply", readFile(t, reports[0])},
		document{"last-run-summary.schema.json", "the summary of tend apply", readFile(t, filepath.Join(state, report.SummaryFile))})

	writeFiles(t, root, map[string]string{
		"etc/postfix/main.cf":              "myhostname = mx.example.net\nmydestination = localhost\nrelayhost = [relay.example.net]\n",
		"etc/dovecot/dovecot-sql.conf.ext": "driver = pgsql\npassword = old-password\n",
	})
	if err := os.Chmod(filepath.Join(root, "etc/app.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	drift := tend(t, 2, append([]string{"plan", "--json"}, mx...)...)
	docs = append(docs, document{"plan.schema.json", "tend plan --json of drifted files", drift})
	return append(docs, previews(t, state, drift)...)
}

// encryptedToken is a data file line setting app_token, encrypted to an
// identity made here and thrown away.
func encryptedToken(t *testing.T) string {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(t.TempDir(), "token")
	writeFiles(t, filepath.Dir(plain), map[string]string{"token": "s3cret-token\n"})
	return string(tend(t, 0, "encrypt", "-r", id.Recipient().String(), "--name", "app_token", plain))
}

// previews writes a preview report of a plan and a refused one.
func previews(t *testing.T, state string, planned []byte) []document {
	var pl plan.Plan
	if err := json.Unmarshal(planned, &pl); err != nil {
		t.Fatal(err)
	}
	src := report.Source{Repo: "https://git.example.org/site.git", ID: strings.Repeat("ab", 20), Signer: "admin", Digest: pl.Digest}
	ok := &report.Preview{Ref: "feature/tls", Node: "mx", Host: "mx.example.net", Source: src, Started: time.Now().UTC(), DurationSec: 0.5}
	ok.SetPlan(&pl)
	refused := &report.Preview{Ref: "unsigned", Node: "mx", Host: "mx.example.net", Source: report.Source{Repo: src.Repo}, Started: time.Now().UTC()}
	refused.SetRefused(errors.New("the tip of unsigned is not signed by an allowed key"))
	var docs []document
	for _, p := range []*report.Preview{ok, refused} {
		path, err := report.WritePreview(state, p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, document{"preview.schema.json", "the preview report of " + p.Ref, readFile(t, path)})
	}
	return docs
}

// failureDocuments records a run in which tend crashed, as the
// supervisor does.
func failureDocuments(t *testing.T) []document {
	state := t.TempDir()
	path, err := report.WriteFailure(state, report.Failure{RunID: "0a1b2c3d4e5f", Node: "mx", Source: report.Source{Repo: "/srv/site"},
		Error: "tend crashed: runtime error: index out of range", Detail: "panic: runtime error\n\ngoroutine 1 [running]:\n",
		ExitCode: report.ExitInternal})
	if err != nil {
		t.Fatal(err)
	}
	return []document{
		{"report.schema.json", "the report of a crashed run", readFile(t, path)},
		{"last-run-summary.schema.json", "the summary of a crashed run", readFile(t, filepath.Join(state, report.SummaryFile))},
	}
}

// catalogDiffs compares commits of the example: a changed, a masked, an
// added and a removed resource and a new node, then a broken node and a
// file that does not parse.
func catalogDiffs(t *testing.T) []document {
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.CopyFS(dir, os.DirFS("../../testfixtures/example")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"nodes/bare.hcl": `node "bare" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "bare\n"
    mode    = sensitive("0644")
  }
  resource "file" "issue" {
    path    = "/etc/issue"
    content = "bare\n"
  }
}
`})
	gitrepo.Git(t, dir, "init", "-q", "-b", "main")
	gitrepo.CommitAll(t, dir, "base")
	edit(t, dir, "data/roles/mail-relay.hcl", `dkim_selector     = "2015"`, `dkim_selector     = "2016"`)
	edit(t, dir, "data/roles/mail-host.hcl", `sensitive("postfix-db-placeholder")`, `sensitive("postfix-db-changed")`)
	edit(t, dir, "nodes/bare.hcl", `sensitive("0644")`, `sensitive("0640")`)
	edit(t, dir, "nodes/bare.hcl", `"file" "issue"`, `"file" "issue_net"`)
	writeFiles(t, dir, map[string]string{"nodes/fresh.hcl": "node \"fresh\" {\n  resource \"file\" \"motd\" {\n    path    = \"/etc/motd\"\n    content = \"fresh\\n\"\n  }\n}\n"})
	gitrepo.CommitAll(t, dir, "changes")
	changed := tend(t, 2, "diff-catalog", "--repo", dir, "--json", "HEAD~1", "HEAD")
	edit(t, dir, "nodes/email.hcl", "roles = [", "roles = [nosuch, ")
	edit(t, dir, "nodes/fresh.hcl", `node "fresh" {`, `node "fresh" {{`)
	gitrepo.CommitAll(t, dir, "broken")
	broken := tend(t, 1, "diff-catalog", "--repo", dir, "--json", "HEAD~1", "HEAD")
	return []document{
		{"diff-catalog.schema.json", "tend diff-catalog --json of changes", changed},
		{"diff-catalog.schema.json", "tend diff-catalog --json of a broken commit", broken},
	}
}

func edit(t *testing.T, dir, name, old, new string) {
	t.Helper()
	b := readFile(t, filepath.Join(dir, name))
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s holds no %q", name, old)
	}
	writeFiles(t, dir, map[string]string{name: strings.Replace(string(b), old, new, 1)})
}
