package pki

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tendhq/tend/testfixtures/kindtest"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// tlsCA is a root and an intermediate made at test time; no key material
// is committed.
type tlsCA struct {
	root, inter       *x509.Certificate
	rootKey, interKey crypto.Signer
	serial            int64
}

func newTLSCA(t testing.TB) *tlsCA {
	t.Helper()
	ca := &tlsCA{serial: 1}
	ca.rootKey = tlsECKey(t)
	ca.root = ca.sign(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Test Root"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(10 * 365 * 24 * time.Hour),
	}, nil, nil, ca.rootKey)
	ca.interKey = tlsECKey(t)
	ca.inter = ca.sign(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Test Intermediate"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(5 * 365 * 24 * time.Hour),
	}, ca.root, ca.rootKey, ca.interKey)
	return ca
}

func tlsECKey(t testing.TB) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sign issues tmpl for key's public half; a nil parent self-signs.
func (ca *tlsCA) sign(t testing.TB, tmpl, parent *x509.Certificate, parentKey, key crypto.Signer) *x509.Certificate {
	t.Helper()
	ca.serial++
	tmpl.SerialNumber = big.NewInt(ca.serial)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// leafOpts varies the leaf a test needs.
type leafOpts struct {
	names               []string
	notBefore, notAfter time.Time
	key                 crypto.Signer
}

// leaf issues a leaf for CN=mail.test from the intermediate, valid from an
// hour ago for 90 days unless told otherwise.
func (ca *tlsCA) leaf(t testing.TB, o leafOpts) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	if o.names == nil {
		o.names = []string{"mail.test", "*.mail.test"}
	}
	if o.notBefore.IsZero() {
		o.notBefore = time.Now().Add(-time.Hour)
	}
	if o.notAfter.IsZero() {
		o.notAfter = time.Now().Add(90 * 24 * time.Hour)
	}
	if o.key == nil {
		o.key = tlsECKey(t)
	}
	c := ca.sign(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "mail.test"}, DNSNames: o.names,
		NotBefore: o.notBefore, NotAfter: o.notAfter, KeyUsage: x509.KeyUsageDigitalSignature,
	}, ca.inter, ca.interKey, o.key)
	return c, o.key
}

func certsPEM(certs ...*x509.Certificate) string {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return string(out)
}

func pkcs8PEM(t testing.TB, k crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// tlsFixture is a throwaway root with /etc/ssl/{certs,private}.
type tlsFixture struct {
	t   testing.TB
	env resources.Env
}

func newTLSFixture(t testing.TB) *tlsFixture {
	t.Helper()
	f := &tlsFixture{t: t, env: resources.Env{Root: t.TempDir(), StateDir: t.TempDir()}}
	for _, d := range []string{"/etc/ssl/certs", "/etc/ssl/private"} {
		if err := os.MkdirAll(f.env.Path(d), 0755); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

const (
	testChainPath = "/etc/ssl/certs/mail.pem"
	testKeyPath   = "/etc/ssl/private/mail.key"
)

type tlsAttrs map[string]cty.Value

// pair is the attributes of a chain and key at the usual paths.
func pair(chain, key string, names ...string) tlsAttrs {
	if names == nil {
		names = []string{"mail.test"}
	}
	var ns []cty.Value
	for _, n := range names {
		ns = append(ns, cty.StringVal(n))
	}
	return tlsAttrs{
		"chain": cty.StringVal(chain), "key": cty.StringVal(key),
		"chain_path": cty.StringVal(testChainPath), "key_path": cty.StringVal(testKeyPath),
		"names": cty.ListVal(ns),
	}
}

func (f *tlsFixture) config(a tlsAttrs) *resources.Config {
	return kindtest.Config(f.t, TLSCertificateSchema, f.env, a)
}

func (f *tlsFixture) resource(a tlsAttrs) *tlsCertificate {
	f.t.Helper()
	r, err := TLSCertificate().New(f.config(a))
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return r.(*tlsCertificate)
}

// plan reads and plans.
func (f *tlsFixture) plan(r resources.Resource) (resources.Change, error) {
	f.t.Helper()
	st, err := r.Read(context.Background())
	if err != nil {
		f.t.Fatalf("Read: %v", err)
	}
	return r.Plan(context.Background(), st)
}

// converge plans, applies and verifies, failing the test on any error.
func (f *tlsFixture) converge(r resources.Resource) resources.Change {
	f.t.Helper()
	c, err := f.plan(r)
	if err != nil {
		f.t.Fatalf("Plan: %v", err)
	}
	if err := r.Apply(context.Background(), c); err != nil {
		f.t.Fatalf("Apply: %v", err)
	}
	if err := r.Verify(context.Background()); err != nil {
		f.t.Fatalf("Verify: %v", err)
	}
	return c
}

func (f *tlsFixture) read(p string) []byte {
	f.t.Helper()
	b, err := os.ReadFile(f.env.Path(p))
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// leftovers lists temporary files left beside the managed ones.
func (f *tlsFixture) leftovers() []string {
	var out []string
	for _, d := range []string{"/etc/ssl/certs", "/etc/ssl/private"} {
		m, _ := filepath.Glob(filepath.Join(f.env.Path(d), ".*.tend-*"))
		out = append(out, m...)
	}
	return out
}
