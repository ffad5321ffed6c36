package config_test

import (
	"strings"
	"testing"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/resources"
)

// brokenKind is the file kind with one method that panics.
type brokenKind struct {
	resources.Kind
	in string
}

func (k brokenKind) Identities(cfg *resources.Config) []resources.ID {
	if k.in == "Identities" {
		panic("identities broke")
	}
	return k.Kind.Identities(cfg)
}

func (k brokenKind) Order(cfg *resources.Config) []resources.Order {
	if k.in == "Order" {
		panic("order broke")
	}
	return k.Kind.Order(cfg)
}

func (k brokenKind) New(cfg *resources.Config) (resources.Resource, error) {
	if k.in == "New" {
		panic("new broke")
	}
	return k.Kind.New(cfg)
}

// A kind that panics while the catalog is built is a diagnostic at the
// resource that names the kind and the panic, not a crash.
func TestKindPanicIsADiagnostic(t *testing.T) {
	dir := writeRepo(t, map[string]string{"nodes/web.hcl": `node "web" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "hello\n"
  }
}
`})
	for _, in := range []string{"Identities", "Order", "New"} {
		reg := resources.NewRegistry(brokenKind{Kind: files.Kind(), in: in})
		repo, diags := config.Open(config.Options{Repo: dir, Library: modules.Library, Registry: reg})
		if len(diags) > 0 {
			t.Fatalf("open: %v", diags)
		}
		_, diags = repo.Catalog("web")
		want := "file.motd: the file kind failed: panic: " + strings.ToLower(in) + " broke"
		if len(diags) != 1 || diags[0].Summary != "Invalid resource" || diags[0].Detail != want || diags[0].Subject.Start.Line != 2 {
			t.Errorf("%s panics: %v, want one diagnostic at line 2: %s", in, diags, want)
		}
	}
}
