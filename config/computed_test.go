package config_test

import (
	"testing"

	"github.com/tendhq/tend/resources"
)

// A value read from the host flows through locals, module inputs and
// templates; until it is read, what depends on it is deferred, not bound.
func TestComputedDefersUntilObserved(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"nodes/mx.hcl": `
node "mx" {
  resource "dkim_key" "key" {
    directory = "/etc/dkim"
    selector  = "s1"
    domain    = "example.test"
    dns_check = true
  }
  locals { milter = dkim_key.key.dns_matches ? "local:sock" : "" }
  module "pf" {
    source = "./modules/pf"
    milter = local.milter
  }
  resource "file" "plain" {
    path    = "/etc/plain"
    content = "x\n"
  }
}`,
		"modules/pf/main.hcl": `
variable "milter" { type = string }
resource "file" "main_cf" {
  path     = "/etc/main.cf"
  template = "main.cf.tpl"
  vars     = { milter = var.milter }
}`,
		"modules/pf/main.cf.tpl": "smtpd_milters = ${milter}\n",
	})
	repo := openRepo(t, dir)
	cat, diags := repo.Catalog("mx")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	deferred := cat.Deferred()
	if len(deferred) != 1 || deferred[0].Addr.String() != "module.pf.file.main_cf" || deferred[0].Resource != nil {
		t.Fatalf("deferred: %v", deferred)
	}
	if p := cat.Producers(); len(p) != 1 || p[0].Addr.String() != "dkim_key.key" {
		t.Fatalf("producers: %v", p)
	}
	inst, _ := find(t, cat, "file.plain")
	if inst.Resource == nil {
		t.Fatal("an instance that needs no computed value is not bound")
	}
	for value, want := range map[string]string{"true": "smtpd_milters = local:sock\n", "false": "smtpd_milters = \n"} {
		cat, diags = repo.CatalogObserved("mx", map[string]resources.State{"dkim_key.key": {"dns_matches": value}})
		if diags.HasErrors() || len(cat.Deferred()) != 0 {
			t.Fatalf("observed %s: %v, deferred %v", value, diags, cat.Deferred())
		}
		inst, _ := find(t, cat, "module.pf.file.main_cf")
		if got := inst.Config.String("template", ""); got != want || inst.Resource == nil {
			t.Fatalf("observed %s: content %q", value, got)
		}
		if cat.Computed["dkim_key.key.dns_matches"] != value {
			t.Fatalf("computed values used: %v", cat.Computed)
		}
	}
	// A host value of the wrong type is reported, not guessed.
	_, diags = repo.CatalogObserved("mx", map[string]resources.State{"dkim_key.key": {"dns_matches": "perhaps"}})
	if !diags.HasErrors() || diags[0].Summary != "Invalid computed value" {
		t.Fatalf("bad host value: %v", diags)
	}
}
