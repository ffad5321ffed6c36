package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/testfixtures/dnsstub"
)

// computedRepo is a node whose milter setting follows whether DNS serves
// the DKIM key's record, through dkim_key.key.dns_matches.
const computedRepo = `
node "mx" {
  resource "file" "dkim_dir" {
    path   = "/etc/dkim"
    ensure = "directory"
    mode   = "0755"
  }
  resource "dkim_key" "key" {
    directory = "/etc/dkim"
    selector  = "s1"
    domain    = "example.test"
    owner     = "0"
    group     = "0"
    dns_check = true
    resolver  = data.resolver
    generate  = true
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

type computedRun struct {
	t                 *testing.T
	repo, root, state string
}

func newComputedRun(t *testing.T, resolver string) *computedRun {
	if os.Geteuid() != 0 {
		t.Skip("dkim_key sets the key's owner: needs root")
	}
	dir := t.TempDir()
	r := &computedRun{t: t, repo: filepath.Join(dir, "repo"), root: filepath.Join(dir, "root"), state: filepath.Join(dir, "state")}
	for p, content := range map[string]string{
		"nodes/mx.hcl":    computedRepo,
		"data/common.hcl": "resolver = \"" + resolver + "\"\n",
	} {
		writeFile(t, filepath.Join(r.repo, p), content)
	}
	writeFile(t, filepath.Join(r.root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")
	writeFile(t, filepath.Join(r.root, "etc/group"), "root:x:0:\n")
	return r
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

// tend runs the CLI in process and checks its exit code.
func (r *computedRun) tend(want int, args ...string) string {
	r.t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--node", "mx", "--repo", r.repo, "--root", r.root, "--state-dir", r.state)
	if code := cli.Main(args, &out, &errOut); code != want {
		r.t.Fatalf("tend %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out.String(), errOut.String())
	}
	return out.String()
}

func (r *computedRun) milter() string {
	b, _ := os.ReadFile(filepath.Join(r.root, "etc/milter.conf"))
	return string(b)
}

// publishedRecord is the record value the key's .txt file holds.
func (r *computedRun) publishedRecord() string {
	b, err := os.ReadFile(filepath.Join(r.root, "etc/dkim/s1.txt"))
	if err != nil {
		r.t.Fatal(err)
	}
	var parts []string
	for _, m := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(string(b), -1) {
		parts = append(parts, m[1])
	}
	return strings.Join(parts, "")
}

func TestComputedDNSMatchesTurnsMilterOn(t *testing.T) {
	stub := dnsstub.Start(t)
	r := newComputedRun(t, stub.Addr())

	out := r.tend(2, "plan")
	if !strings.Contains(out, "Read from the host before planning:\n  dkim_key.key.dns_matches = false\n") {
		t.Fatalf("plan does not say what it read:\n%s", out)
	}
	r.tend(2, "apply")
	if r.milter() != "smtpd_milters = \n" {
		t.Fatalf("milter on before DNS serves the record: %q", r.milter())
	}
	r.tend(0, "apply")

	// A saved plan made before the record appears is refused after.
	r.tend(0, "plan", "-out", filepath.Join(r.state, "before.plan"))
	stub.SetTXT("s1._domainkey.example.test", r.publishedRecord())
	out = r.tend(2, "plan")
	if !strings.Contains(out, "dkim_key.key.dns_matches = true") || !strings.Contains(out, "+smtpd_milters = local:opendkim.sock") {
		t.Fatalf("plan once DNS matches:\n%s", out)
	}
	var errOut bytes.Buffer
	if code := cli.Main([]string{"apply", "--state-dir", r.state, filepath.Join(r.state, "before.plan")}, &bytes.Buffer{}, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "dkim_key.key.dns_matches is true on the host now") {
		t.Fatalf("stale saved plan: exit %d, %s", code, errOut.String())
	}
	r.tend(2, "apply")
	if r.milter() != "smtpd_milters = local:opendkim.sock\n" {
		t.Fatalf("milter not on once DNS matches: %q", r.milter())
	}
	r.tend(0, "apply")
}

func TestComputedCannotBeSet(t *testing.T) {
	r := newComputedRun(t, "127.0.0.1:1")
	writeFile(t, filepath.Join(r.repo, "nodes/mx.hcl"), strings.Replace(computedRepo, "dns_check = true", "dns_check = true\n    dns_matches = true", 1))
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"validate", "--repo", r.repo}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "mx.hcl:15:5: error: Computed attribute; dns_matches is read from the host by dkim_key; it cannot be set") {
		t.Fatalf("exit %d:\n%s", code, errOut.String())
	}
}
