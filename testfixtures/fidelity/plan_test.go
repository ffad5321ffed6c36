package fidelity

import (
	"bytes"
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
		var secrets map[string][]string
		if withSecrets {
			secrets = certs
		}
		repo := exampleRepo(t, secrets)
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
