package fidelity

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// TestExamplePlans plans both nodes of the example, on a checkout without
// secrets/ and on one with throwaway certificates in it: every resource
// must plan (exit 2), and with the certificates Postfix and Dovecot must
// use them instead of the snakeoil pair.
func TestExamplePlans(t *testing.T) {
	certs := map[string][]string{
		"emailout.cacert.org":  {"emailout.cacert.org"},
		"email.cacert.org":     {"email.cacert.org"},
		"community.cacert.org": {"community.cacert.org"},
	}
	for _, withSecrets := range []bool{false, true} {
		repo := filepath.Join(t.TempDir(), "repo")
		if err := os.CopyFS(repo, os.DirFS("../example")); err != nil {
			t.Fatal(err)
		}
		// A developer's checkout may hold secrets/: start without.
		if err := os.RemoveAll(filepath.Join(repo, "secrets")); err != nil {
			t.Fatal(err)
		}
		for stem, names := range certs {
			base := filepath.Join(repo, "secrets", stem)
			if withSecrets {
				if err := scratchroot.WriteCertificate(base+".chain.pem", base+".key.pem", names); err != nil {
					t.Fatal(err)
				}
			}
		}
		for node, cert := range map[string]string{"emailout": "emailout.cacert.org", "email": "email.cacert.org"} {
			out := planNode(t, repo, node)
			line := "+smtpd_tls_cert_file = /etc/ssl/public/" + cert + ".chain.pem"
			if !withSecrets {
				line = "+smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem"
			}
			if !strings.Contains(out, line) {
				t.Errorf("%s (secrets: %v): the plan lacks %q", node, withSecrets, line)
			}
		}
	}
}

func planNode(t *testing.T, repo, node string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	if err := scratchroot.PrepareFor(root, repo, node); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"plan", "--repo", repo, "--node", node, "--root", root,
		"--state-dir", filepath.Join(t.TempDir(), "state")}, &stdout, &stderr)
	if code != 2 {
		t.Fatalf("%s: tend plan exited %d, want 2\n%s\n%s", node, code, stdout.String(), stderr.String())
	}
	return stdout.String()
}
