package systemd_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/resources"
)

// node orders nothing explicitly: every edge is one a service needs.
const node = `node "mx" {
  resource "service" "postfix" {
    name   = "postfix"
    ensure = "running"
  }
  resource "service" "worker" {
    name    = "worker@1"
    package = "tend-worker"
  }
  resource "package" "postfix" {
    name = "postfix"
  }
  resource "package" "worker" {
    name = "tend-worker"
  }
  resource "file" "postfix_override" {
    path    = "/etc/systemd/system/postfix.service"
    content = "[Service]\n"
  }
  resource "file" "worker_template" {
    path    = "/lib/systemd/system/worker@.service"
    content = "[Service]\n"
  }
}
`

func TestImplicitEdges(t *testing.T) {
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, "nodes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "nodes", "mx.hcl"), []byte(node), 0o644); err != nil {
		t.Fatal(err)
	}
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
		{"package.postfix", "service.postfix", "needs package:postfix"},
		{"file.postfix_override", "service.postfix", "needs file:/etc/systemd/system/postfix.service"},
		{"package.worker", "service.worker", "needs package:tend-worker"},
		{"file.worker_template", "service.worker", "needs file:/lib/systemd/system/worker@.service"},
	} {
		if why := cat.Graph.Why(index[e.from], index[e.to]); why != e.why {
			t.Errorf("edge %s -> %s: %q, want %q", e.from, e.to, why, e.why)
		}
	}
	if n := len(cat.Graph.Deps(index["service.postfix"])); n != 2 {
		t.Errorf("service.postfix has %d dependencies, want 2", n)
	}
}
