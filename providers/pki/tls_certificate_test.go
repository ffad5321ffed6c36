package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/plan"
	"github.com/zclconf/go-cty/cty"
)

func TestGoodChainInstallsBothFilesAndThenIsNoOp(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	leaf, key := ca.leaf(t, leafOpts{})
	chain, keyPEM := certsPEM(leaf, ca.inter), pkcs8PEM(t, key)
	a := pair(chain, keyPEM, "mail.test", "smtp.mail.test")
	a["root"] = cty.StringVal(certsPEM(ca.root))
	r := f.resource(a)

	c := f.converge(r)
	if c.Action != resources.Create {
		t.Fatalf("first plan: %s (%s), want create", c.Action, c.Reason)
	}
	if got := string(f.read(testChainPath)); got != chain {
		t.Error("chain file differs from the configured chain")
	}
	if got := string(f.read(testKeyPath)); got != keyPEM {
		t.Error("key file differs from the configured key")
	}
	for p, want := range map[string]fs.FileMode{testChainPath: 0644, testKeyPath: 0600} {
		fi, err := os.Stat(f.env.Path(p))
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	c, err := f.plan(r)
	if err != nil || c.Action != resources.NoOp || c.Reason != "" || len(c.Attrs) != 0 {
		t.Fatalf("second plan: %+v, %v; want a quiet no-op", c, err)
	}
	if l := f.leftovers(); len(l) != 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// Every bad pair fails Plan and Apply with its own message and leaves the
// installed pair byte-identical.
func TestBadCertificatesFailWithTheirOwnMessageAndWriteNothing(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	good, goodKey := ca.leaf(t, leafOpts{})
	f.converge(f.resource(pair(certsPEM(good, ca.inter), pkcs8PEM(t, goodKey))))
	liveChain, liveKey := f.read(testChainPath), f.read(testKeyPath)

	leaf, key := ca.leaf(t, leafOpts{})
	keyPEM := pkcs8PEM(t, key)
	expired, expiredKey := ca.leaf(t, leafOpts{notBefore: time.Now().Add(-60 * 24 * time.Hour), notAfter: time.Now().Add(-24 * time.Hour)})
	future, futureKey := ca.leaf(t, leafOpts{notBefore: time.Now().Add(24 * time.Hour)})
	withRoot := func(a tlsAttrs) tlsAttrs { a["root"] = cty.StringVal(certsPEM(ca.root)); return a }
	cases := []struct {
		name string
		a    tlsAttrs
		want string
	}{
		{"mismatched key", pair(certsPEM(leaf, ca.inter), pkcs8PEM(t, tlsECKey(t))),
			"the key does not match the leaf certificate (CN=mail.test, serial " + tlsSerial(leaf) + ")"},
		{"wrong order", pair(certsPEM(leaf, ca.root, ca.inter), keyPEM),
			"chain out of order: certificate 2 (CN=Test Root) does not sign certificate 1 (CN=mail.test)"},
		{"intermediate before leaf's issuer missing", pair(certsPEM(leaf, ca.root), keyPEM),
			"incomplete chain: CN=mail.test is issued by CN=Test Intermediate, which is not in the chain"},
		{"missing intermediate with root", withRoot(pair(certsPEM(leaf), keyPEM)),
			"incomplete chain: CN=mail.test is issued by CN=Test Intermediate, which is neither in the chain nor the configured root"},
		{"expired", pair(certsPEM(expired, ca.inter), pkcs8PEM(t, expiredKey)),
			"expired: CN=mail.test not after " + tlsStamp(expired.NotAfter)},
		{"not yet valid", pair(certsPEM(future, ca.inter), pkcs8PEM(t, futureKey)),
			"not yet valid: CN=mail.test not before " + tlsStamp(future.NotBefore)},
		{"wrong names", pair(certsPEM(leaf, ca.inter), keyPEM, "mail.test", "www.other.test"),
			"names: www.other.test is not covered (the leaf covers mail.test, *.mail.test)"},
	}
	seen := map[string]string{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.resource(tc.a)
			_, err := f.plan(r)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Plan error:\n got %v\nwant %s", err, tc.want)
			}
			if other, dup := seen[err.Error()]; dup {
				t.Errorf("same message as %q", other)
			}
			seen[err.Error()] = tc.name
			if err := r.Apply(context.Background(), resources.Change{Action: resources.Update}); err == nil || err.Error() != tc.want {
				t.Errorf("Apply error: %v, want %s", err, tc.want)
			}
			if !bytes.Equal(f.read(testChainPath), liveChain) || !bytes.Equal(f.read(testKeyPath), liveKey) {
				t.Fatal("the live files changed")
			}
			if l := f.leftovers(); len(l) != 0 {
				t.Errorf("temporary files left: %v", l)
			}
		})
	}
}

func TestRenewalShowsOldAndNewLeaf(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	old, oldKey := ca.leaf(t, leafOpts{notAfter: time.Now().Add(60 * 24 * time.Hour)})
	f.converge(f.resource(pair(certsPEM(old, ca.inter), pkcs8PEM(t, oldKey))))

	renewed, newKey := ca.leaf(t, leafOpts{notAfter: time.Now().Add(150 * 24 * time.Hour)})
	r := f.resource(pair(certsPEM(renewed, ca.inter), pkcs8PEM(t, newKey)))
	c, err := f.plan(r)
	if err != nil || c.Action != resources.Update {
		t.Fatalf("plan: %+v, %v; want update", c, err)
	}
	want := map[string][2]string{
		"not_after":          {tlsStamp(old.NotAfter), tlsStamp(renewed.NotAfter)},
		"fingerprint_sha256": {tlsDescribe([]*x509.Certificate{old})["fingerprint_sha256"], tlsDescribe([]*x509.Certificate{renewed})["fingerprint_sha256"]},
		"key":                {resources.Masked, resources.Masked},
	}
	for _, a := range c.Attrs {
		if w, ok := want[a.Name]; ok {
			if a.Old != w[0] || a.New != w[1] {
				t.Errorf("%s: %q -> %q, want %q -> %q", a.Name, a.Old, a.New, w[0], w[1])
			}
			delete(want, a.Name)
		}
		if a.Name == "subject" || a.Name == "names" || a.Name == "issuer" {
			t.Errorf("%s shown although it did not change", a.Name)
		}
	}
	if len(want) != 0 {
		t.Errorf("missing attribute changes: %v (got %+v)", want, c.Attrs)
	}
	if c.Reason != "chain differs; key differs" {
		t.Errorf("reason %q", c.Reason)
	}
	f.converge(r)
	if c, err := f.plan(r); err != nil || c.Action != resources.NoOp {
		t.Errorf("after renewal: %+v, %v", c, err)
	}
}

func TestExpiryWithinTheWindowIsWarnedEvenWhenNothingChanges(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	leaf, key := ca.leaf(t, leafOpts{notAfter: time.Now().Add(10*24*time.Hour + time.Hour)})
	a := pair(certsPEM(leaf, ca.inter), pkcs8PEM(t, key))
	r := f.resource(a)
	warning := "the certificate expires in 10 days (" + tlsStamp(leaf.NotAfter) + ")"
	if c := f.converge(r); !slices.Equal(c.Warnings, []string{warning}) || strings.Contains(c.Reason, "expires") {
		t.Errorf("create: warnings %q, reason %q; want the warning %q apart", c.Warnings, c.Reason, warning)
	}
	c, err := f.plan(r)
	if err != nil || c.Action != resources.NoOp || c.Reason != "" || !slices.Equal(c.Warnings, []string{warning}) {
		t.Errorf("no-op plan: %+v, %v; want the warning %q", c, err, warning)
	}
	p := &plan.Plan{Node: "mx", Resources: []plan.Resource{{Address: "tls_certificate.mail", Change: c}}}
	p.Summarize()
	var b strings.Builder
	plan.Render(&b, p)
	if !strings.Contains(b.String(), "  # tls_certificate.mail has nothing to do\n      warning: "+warning+"\n") {
		t.Errorf("the rendered no-op plan does not warn:\n%s", b.String())
	}
	a["expiry_warning_days"] = cty.NumberIntVal(7)
	if c, _ := f.plan(f.resource(a)); c.Warnings != nil {
		t.Errorf("with a 7-day window: warnings %q, want none", c.Warnings)
	}
}

// A run killed between the two renames leaves the new key beside the old
// chain; the next plan must repair that, not refuse.
func TestMismatchedPairOnDiskIsAnUpdate(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	old, oldKey := ca.leaf(t, leafOpts{})
	f.converge(f.resource(pair(certsPEM(old, ca.inter), pkcs8PEM(t, oldKey))))
	renewed, newKey := ca.leaf(t, leafOpts{})
	newKeyPEM := pkcs8PEM(t, newKey)
	if err := os.WriteFile(f.env.Path(testKeyPath), []byte(newKeyPEM), 0600); err != nil {
		t.Fatal(err)
	}
	r := f.resource(pair(certsPEM(renewed, ca.inter), newKeyPEM))
	c := f.converge(r)
	if c.Action != resources.Update || c.Reason != "chain differs" {
		t.Errorf("plan: %s (%s), want update (chain differs)", c.Action, c.Reason)
	}
}

// The key, whole or as any line of its base64 body, appears in no plan,
// rendered plan, JSON, state, or error.
func TestThePrivateKeyNeverLeaks(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	old, oldKey := ca.leaf(t, leafOpts{})
	f.converge(f.resource(pair(certsPEM(old, ca.inter), pkcs8PEM(t, oldKey))))
	leaf, key := ca.leaf(t, leafOpts{notAfter: time.Now().Add(5 * 24 * time.Hour)})
	keyPEM := pkcs8PEM(t, key)
	secrets := tlsSecretsOf(keyPEM, pkcs8PEM(t, oldKey))

	var texts []string
	r := f.resource(pair(certsPEM(leaf, ca.inter), keyPEM))
	st, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Plan(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Node: "mx", Resources: []plan.Resource{{Address: "tls_certificate.mail", Change: c}}}
	p.Summarize()
	var rendered bytes.Buffer
	plan.Render(&rendered, p)
	js, _ := json.Marshal(p)
	stJS, _ := json.Marshal(st)
	texts = append(texts, rendered.String(), string(js), string(stJS))
	if !strings.Contains(rendered.String(), `~ key`) || !strings.Contains(rendered.String(), resources.Masked) {
		t.Errorf("the rendered plan does not show the masked key change:\n%s", rendered.String())
	}
	// Errors: a mismatched key, a key that does not parse, a failed Verify.
	_, err = f.plan(f.resource(pair(certsPEM(old, ca.inter), keyPEM)))
	texts = append(texts, errText(err))
	broken := strings.Replace(keyPEM, "\n", "\nAAAA", 2)
	_, err = TLSCertificate().New(f.config(pair(certsPEM(leaf, ca.inter), broken)))
	texts = append(texts, errText(err))
	_, err = TLSCertificate().New(f.config(pair(certsPEM(leaf, ca.inter)+keyPEM, keyPEM)))
	texts = append(texts, errText(err))
	texts = append(texts, errText(r.Verify(context.Background())))
	for _, s := range secrets {
		for i, text := range texts {
			if strings.Contains(text, s) {
				t.Errorf("text %d holds key material %q:\n%s", i, s, text)
			}
		}
	}
	if !strings.Contains(texts[3], "key does not match") || texts[4] == "" || texts[5] == "" || texts[6] == "" {
		t.Errorf("expected errors missing: %q", texts[3:])
	}
}

// tlsSecretsOf lists the strings that must never be printed: each PEM
// whole, its base64 body joined, and every body line.
func tlsSecretsOf(pems ...string) []string {
	var out []string
	for _, p := range pems {
		out = append(out, p)
		var body []string
		for _, l := range strings.Split(p, "\n") {
			if l != "" && !strings.HasPrefix(l, "-----") {
				body = append(body, l)
				out = append(out, l)
			}
		}
		out = append(out, strings.Join(body, ""))
	}
	return out
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestKeyFormats(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ecKey := tlsECKey(t)
	sec1, _ := x509.MarshalECPrivateKey(ecKey.(*ecdsa.PrivateKey))
	cases := map[string]struct {
		pem string
		key crypto.Signer
	}{
		"RSA PKCS#1": {string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})), rsaKey},
		"RSA PKCS#8": {pkcs8PEM(t, rsaKey), rsaKey},
		"EC SEC 1":   {"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})), ecKey},
		"Ed25519":    {pkcs8PEM(t, edKey), edKey},
	}
	ca := newTLSCA(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newTLSFixture(t)
			leaf, _ := ca.leaf(t, leafOpts{key: tc.key})
			f.converge(f.resource(pair(certsPEM(leaf, ca.inter), tc.pem)))
			// The same certificate with another key of the same type fails.
			_, err := f.plan(f.resource(pair(certsPEM(leaf, ca.inter), pkcs8PEM(t, tlsECKey(t)))))
			if err == nil || !strings.Contains(err.Error(), "does not match") {
				t.Errorf("another key: %v", err)
			}
		})
	}
}

// A chain or key directory that does not exist is what the plan needs
// created first (MissingPaths), each directory once.
func TestTLSMissingDirectoriesNeeded(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	leaf, key := ca.leaf(t, leafOpts{})
	a := pair(certsPEM(leaf, ca.inter), pkcs8PEM(t, key))
	a["chain_path"], a["key_path"] = cty.StringVal("/etc/ssl/tend/mail.pem"), cty.StringVal("/etc/ssl/tend/mail.key")
	c, err := f.plan(f.resource(a))
	want := []resources.PathNeed{{Path: "/etc/ssl/tend", Dir: true, Outermost: "/etc/ssl/tend"}}
	if err != nil || c.Action != resources.Create || !slices.Equal(c.MissingPaths, want) {
		t.Fatalf("plan: %v %s, missing paths %v, want %v", err, c.Action, c.MissingPaths, want)
	}
	if c := f.converge(f.resource(pair(certsPEM(leaf, ca.inter), pkcs8PEM(t, key)))); len(c.MissingPaths) != 0 {
		t.Fatalf("with both directories present: missing paths %v", c.MissingPaths)
	}
}
