package accounts_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/resources"
)

// node is a configuration in which nothing orders the file after the
// accounts but the implicit edges: the file needs its owner and group, the
// user the groups it joins.
const node = `node "mx" {
  resource "file" "socket_dir" {
    path   = "/run/opendkim"
    ensure = "directory"
    owner  = "opendkim"
    group  = "opendkim"
    mode   = "0750"
  }
  resource "user" "postfix" {
    name   = "postfix"
    groups = ["opendkim"]
    shell  = "/usr/sbin/nologin"
  }
  resource "user" "opendkim" {
    name  = "opendkim"
    shell = "/usr/sbin/nologin"
  }
  resource "group" "opendkim" {
    name = "opendkim"
  }
}
`

func writeRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, "nodes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "nodes", "mx.hcl"), []byte(node), 0o644); err != nil {
		t.Fatal(err)
	}
	return repo
}

func TestImplicitEdges(t *testing.T) {
	repo := writeRepo(t)
	r, diags := config.Open(config.Options{Repo: repo, Registry: providers.Builtin(), Env: resources.Env{Root: t.TempDir()}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cat, diags := r.Catalog("mx")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	index := map[string]int{}
	for i, inst := range cat.Instances {
		index[inst.Addr.String()] = i
	}
	for _, e := range []struct{ from, to, why string }{
		{"user.opendkim", "file.socket_dir", "needs user:opendkim"},
		{"group.opendkim", "file.socket_dir", "needs group:opendkim"},
		{"group.opendkim", "user.postfix", "needs group:opendkim"},
		{"group.opendkim", "user.opendkim", "needs group:opendkim"},
	} {
		if why := cat.Graph.Why(index[e.from], index[e.to]); why != e.why {
			t.Errorf("edge %s -> %s: %q, want %q", e.from, e.to, why, e.why)
		}
	}
}

// TestOneRunUnderRoot applies the node to a scratch root with the real CLI:
// the file gets the owner created earlier in the same run, and a second run
// changes nothing.
func TestOneRunUnderRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: useradd and chown")
	}
	repo := writeRepo(t)
	root, state := t.TempDir(), t.TempDir()
	for p, content := range map[string]string{
		"/etc/passwd": "root:x:0:0:root:/root:/bin/bash\n", "/etc/group": "root:x:0:\n",
		"/etc/shadow": "root:*:19000:0:99999:7:::\n", "/etc/gshadow": "root:*::\n",
	} {
		if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"apply", "--node", "mx", "--repo", repo, "--root", root, "--state-dir", state}
	var out, errs bytes.Buffer
	if code := cli.Main(args, &out, &errs); code != 2 || !strings.Contains(out.String(), "4 changed, 0 failed") {
		t.Fatalf("first apply exited %d:\n%s%s", code, out.String(), errs.String())
	}
	fi, err := os.Stat(filepath.Join(root, "run/opendkim"))
	if err != nil {
		t.Fatal(err)
	}
	passwd, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	st := fi.Sys().(*syscall.Stat_t)
	if !strings.Contains(string(passwd), "opendkim:x:"+strconv.FormatUint(uint64(st.Uid), 10)+":"+strconv.FormatUint(uint64(st.Gid), 10)+":") || st.Uid == 0 {
		t.Fatalf("directory owned by %d:%d; passwd:\n%s", st.Uid, st.Gid, passwd)
	}
	out.Reset()
	if code := cli.Main(args, &out, &errs); code != 0 || !strings.Contains(out.String(), "0 changed, 0 failed") {
		t.Fatalf("second apply exited %d:\n%s%s", code, out.String(), errs.String())
	}
}
