package fidelity

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// exampleCerts are the certificates of each node of the example: name in
// tls_certificates => the file stem of its chain.
var exampleCerts = map[string]map[string]string{
	"emailout": {"smtp": "emailout.cacert.org"},
	"email":    {"smtp": "email.cacert.org", "community": "community.cacert.org"},
}

// TestExamplePlans plans both nodes of the example as it is checked out
// (no key: the snakeoil pair, as its data allows, and a DKIM key the relay
// generates), and with throwaway keys given the way the example keeps them
// (chains under certs/, keys and the DKIM key in data, no snakeoil
// allowed): every resource must plan (exit 2), and with the keys Postfix
// and Dovecot must use the certificates and the relay the given DKIM key.
func TestExamplePlans(t *testing.T) {
	for _, withKeys := range []bool{false, true} {
		repo := exampleCopy(t)
		if withKeys {
			giveKeys(t, repo)
		}
		for node, certs := range exampleCerts {
			out := planNode(t, repo, node)
			line := "+smtpd_tls_cert_file = /etc/ssl/public/" + certs["smtp"] + ".chain.pem"
			if !withKeys {
				line = "+smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem"
			}
			if !strings.Contains(out, line) {
				t.Errorf("%s (keys: %v): the plan lacks %q", node, withKeys, line)
			}
			if node != "emailout" {
				continue
			}
			dkim := "/etc/dkim/2015.private does not exist: a new rsa-2048 key will be generated"
			if withKeys {
				dkim = "/etc/dkim/2015.private does not exist: the key private_key gives is installed"
			}
			if !strings.Contains(out, dkim) || strings.Contains(out, "PRIVATE KEY") {
				t.Errorf("%s (keys: %v): the plan lacks %q, or shows a key:\n%s", node, withKeys, dkim, out)
			}
		}
	}
}

// TestExampleRefusesMissingKeys: without allow_snakeoil, a node whose
// certificate has no chain or no key fails to load, naming the
// certificate at the list that requires it; without dkim_generate, a
// relay without its DKIM key fails the plan naming the key file.
func TestExampleRefusesMissingKeys(t *testing.T) {
	repo := exampleCopy(t)
	for node := range exampleCerts {
		appendTo(t, repo, "data/nodes/"+node+".hcl", "allow_snakeoil = false\n")
	}
	code, out := planExit(t, repo, "emailout")
	if code != 1 || !strings.Contains(out, "roles/mail-server.hcl:28:22: error: Invalid value for variable; var.required: no certificate given for smtp: give each its chain and key, or set allow_snakeoil = true") {
		t.Fatalf("emailout without its certificate: exit %d\n%s", code, out)
	}
	// The chain alone is not enough: the key is missing.
	writeCert(t, repo, "emailout.cacert.org")
	if err := os.Remove(filepath.Join(repo, "secrets", "emailout.cacert.org.key.pem")); err != nil {
		t.Fatal(err)
	}
	code, out = planExit(t, repo, "email")
	if code != 1 || !strings.Contains(out, "no certificate given for community, smtp:") {
		t.Fatalf("email without its certificates: exit %d\n%s", code, out)
	}
	repo = exampleCopy(t)
	appendTo(t, repo, "data/nodes/emailout.hcl", "dkim_generate = false\n")
	code, out = planExit(t, repo, "emailout")
	if code != 6 || !strings.Contains(out, "error: plan: module.opendkim.dkim_key.key: /etc/dkim/2015.private does not exist and no key is configured") {
		t.Fatalf("emailout without a DKIM key, generating none: exit %d\n%s", code, out)
	}
}

// exampleCopy copies the example into a temporary directory, without the
// certs/ and secrets/ a developer's checkout may hold.
func exampleCopy(t *testing.T) string {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo")
	if err := os.CopyFS(repo, os.DirFS("../example")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"certs", "secrets"} {
		if err := os.RemoveAll(filepath.Join(repo, d)); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

// giveKeys writes a throwaway certificate for every certificate of the
// example, its chain under certs/ and its key under secrets/, and a DKIM
// key; the nodes' data layers take the keys (sensitive file() here, where
// a real repository has decrypt()) and no longer allow the snakeoil pair
// or generate a DKIM key.
func giveKeys(t *testing.T, repo string) {
	t.Helper()
	for node, certs := range exampleCerts {
		var keys strings.Builder
		for name, stem := range certs {
			writeCert(t, repo, stem)
			fmt.Fprintf(&keys, "  %s = sensitive(file(%q))\n", name, "secrets/"+stem+".key.pem")
		}
		appendTo(t, repo, "data/nodes/"+node+".hcl", "allow_snakeoil = false\ntls_keys = {\n"+keys.String()+"}\n")
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(filepath.Join(repo, "secrets", "2015.private"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	appendTo(t, repo, "data/nodes/emailout.hcl", "dkim_private_key = sensitive(file(\"secrets/2015.private\"))\ndkim_generate    = false\n")
}

// appendTo appends text to a file of repo.
func appendTo(t *testing.T, repo, name, text string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(repo, name), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

func writeCert(t *testing.T, repo, stem string) {
	t.Helper()
	err := scratchroot.WriteCertificate(filepath.Join(repo, "certs", stem+".chain.pem"), filepath.Join(repo, "secrets", stem+".key.pem"), []string{stem})
	if err != nil {
		t.Fatal(err)
	}
}

func planNode(t *testing.T, repo, node string) string {
	t.Helper()
	code, out := planExit(t, repo, node)
	if code != 2 {
		t.Fatalf("%s: tend plan exited %d, want 2\n%s", node, code, out)
	}
	return out
}

// planExit runs tend plan for node against a scratch root prepared for
// it as the example is checked out (repo may not load), returning the
// exit code and what it printed.
func planExit(t *testing.T, repo, node string) (int, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	if err := scratchroot.PrepareFor(root, "../example", node); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"plan", "--repo", repo, "--node", node, "--root", root,
		"--state-dir", filepath.Join(t.TempDir(), "state")}, &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}
