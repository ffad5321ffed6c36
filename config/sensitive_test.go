package config_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tendhq/tend/config"
)

// Diagnostics about sensitive values quote none of them, rendered with
// the source excerpts and the repository's redactor as tend prints them.
func TestSensitiveDiagnosticsQuoteNoSecret(t *testing.T) {
	for _, name := range []string{"sensitive-arguments", "sensitive-attributes"} {
		repo := openRepo(t, filepath.Join(fixtureRoot, "invalid", name))
		_, diags := repo.Catalog("web")
		if !diags.HasErrors() {
			t.Fatalf("%s: no error", name)
		}
		var b strings.Builder
		config.WriteDiagnostics(&b, diags, repo.Sources())
		if out := b.String(); strings.Contains(out, "CANARY") || !strings.Contains(out, "(sensitive value)") {
			t.Errorf("%s:\n%s", name, out)
		}
	}
}

// A sensitive for_each key is printed as a tag, the same in every run and
// different for each key; each.key is as sensitive as the key.
func TestSensitiveForEachKeys(t *testing.T) {
	dir := writeRepo(t, map[string]string{"nodes/web.hcl": `
node "web" {
  resource "file" "f" {
    for_each = toset([sensitive("alpha-secret"), sensitive("beta-secret")])
    path     = "/etc/${each.key}"
    content  = "x"
  }
  resource "file" "g" {
    for_each = toset(["plain"])
    path     = "/etc/${each.key}"
    content  = "x"
  }
}`})
	tag := regexp.MustCompile(`^file\.f\[\(sensitive [0-9a-f]{4}\)\]$`)
	var first []string
	for run := 0; run < 2; run++ {
		cat := catalog(t, dir, "web")
		var addrs []string
		for _, inst := range cat.Instances {
			a := inst.Addr.String()
			addrs = append(addrs, a)
			if strings.Contains(a, "secret") {
				t.Errorf("address %s shows the key", a)
			}
			if inst.Addr.Key != "plain" && !inst.Config.Sensitive["path"] {
				t.Errorf("%s: a path built from a sensitive key is not sensitive", a)
			}
		}
		if len(addrs) != 3 || !tag.MatchString(addrs[0]) || !tag.MatchString(addrs[1]) || addrs[0] == addrs[1] || addrs[2] != `file.g["plain"]` {
			t.Fatalf("addresses %q", addrs)
		}
		if run == 1 && strings.Join(first, " ") != strings.Join(addrs, " ") {
			t.Errorf("tags changed between runs: %q, then %q", first, addrs)
		}
		first = addrs
	}
}
