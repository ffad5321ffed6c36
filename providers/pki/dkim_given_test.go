package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/graph"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
	"github.com/tendhq/tend/testfixtures/dnsstub"
	"github.com/zclconf/go-cty/cty"
)

// dkimPEM encodes key as opendkim-genkey's OpenSSL would: PKCS#1 for RSA
// when pkcs1, else PKCS#8.
func dkimPEM(t *testing.T, key crypto.Signer, pkcs1 bool) string {
	t.Helper()
	if pkcs1 {
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key.(*rsa.PrivateKey))}))
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func given(keyPEM string) dkimAttrs { return dkimAttrs{"private_key": cty.StringVal(keyPEM)} }

// TestDKIMGivenKeyInstalled: with private_key, a host without a key gets
// exactly that key (RSA as PKCS#1 or PKCS#8, Ed25519 as PKCS#8), its .txt
// is derived from it and verifies it, and the next plan changes nothing.
// The plan names the key by algorithm and fingerprint.
func TestDKIMGivenKeyInstalled(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	for _, c := range []struct {
		name  string
		key   crypto.Signer
		pkcs1 bool
		label string
	}{
		{"rsa-pkcs1", rsaKey, true, "rsa-2048 "},
		{"rsa-pkcs8", rsaKey, false, "rsa-2048 "},
		{"ed25519", edKey, false, "ed25519 "},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newDKIMFixture(t)
			keyPEM := dkimPEM(t, c.key, c.pkcs1)
			// As an editor may leave it: CRLF, no final newline, a blank line first.
			spelled := "\n" + strings.TrimSuffix(strings.ReplaceAll(keyPEM, "\n", "\r\n"), "\r\n")
			ch := f.converge(f.resource(given(spelled)))
			if ch.Action != resources.Create || !strings.Contains(ch.Reason, "/etc/dkim/2015.private does not exist: the key private_key gives is installed; /etc/dkim/2015.txt is written from it") {
				t.Fatalf("plan %s (%s)", ch.Action, ch.Reason)
			}
			want := c.label + dkimFingerprint(c.key)
			if ch.Attrs[0] != resources.NewAttrChange("key", "", want, false) || ch.Content == nil || ch.Content.Sensitive {
				t.Fatalf("attrs %+v, content %+v: want key %q and the diff of the record", ch.Attrs, ch.Content, want)
			}
			if got := f.read("/etc/dkim/2015.private"); got != keyPEM {
				t.Fatalf("the key file holds\n%s\nwant the given key", got)
			}
			verifyWithTxt(t, f, "2015", "example.org")
			pub, _ := dkimPublicOf(c.key)
			if f.read("/etc/dkim/2015.txt") != string(formatDKIMRecord("2015", "example.org", pub.k, pub.p)) {
				t.Fatal("the .txt is not the given key's record")
			}
			if uid, gid, mode := fileOwnerMode(t, f.path("/etc/dkim/2015.private")); uid != f.uid || gid != f.gid || mode != 0o600 {
				t.Fatalf(".private is %d:%d %04o", uid, gid, mode)
			}
			f.wantPlan(f.resource(given(keyPEM)), resources.NoOp, "match")
		})
	}
}

// TestDKIMGivenKeyReplaces: a key file holding another key, garbage, or
// the given key in another encoding is replaced by the given key, and
// the .txt follows. The plan shows both fingerprints.
func TestDKIMGivenKeyReplaces(t *testing.T) {
	f := newDKIMFixture(t)
	f.converge(f.resource(generated))
	oldKey, err := parseDKIMPrivateKey([]byte(f.read("/etc/dkim/2015.private")))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	keyPEM := dkimPEM(t, k, false)
	ch := f.wantPlan(f.resource(given(keyPEM)), resources.Update,
		"/etc/dkim/2015.private holds another key: replaced by the key private_key gives; /etc/dkim/2015.txt is written from it")
	if a := ch.Attrs[0]; a.Name != "key" || a.Old != dkimLabel(oldKey) || a.New != dkimLabel(k) || a.Old == a.New {
		t.Fatalf("key change %+v", a)
	}
	f.converge(f.resource(given(keyPEM)))
	if f.read("/etc/dkim/2015.private") != keyPEM {
		t.Fatal("the other key was not replaced")
	}
	verifyWithTxt(t, f, "2015", "example.org")

	// The same key as PKCS#1: rewritten as given; the record stays.
	txt := f.read("/etc/dkim/2015.txt")
	f.writeKey("/etc/dkim/2015.private", k, true)
	ch = f.wantPlan(f.resource(given(keyPEM)), resources.Update, "holds the key private_key gives, encoded differently: rewritten as given")
	if ch.Content != nil || ch.Attrs[0].Old != ch.Attrs[0].New {
		t.Fatalf("re-encoding shows %+v, content %+v", ch.Attrs, ch.Content)
	}
	f.converge(f.resource(given(keyPEM)))
	if f.read("/etc/dkim/2015.private") != keyPEM || f.read("/etc/dkim/2015.txt") != txt {
		t.Fatal("re-encoded key not rewritten as given, or its record changed")
	}

	// Garbage, which without private_key fails the read.
	f.write("/etc/dkim/2015.private", "not a key\n", 0o600)
	if _, err := f.resource(nil).Read(context.Background()); err == nil {
		t.Fatal("garbage read as a key")
	}
	ch = f.wantPlan(f.resource(given(keyPEM)), resources.Update, "holds no key tend can read: replaced by the key private_key gives")
	if ch.Attrs[0].Old != "unreadable" {
		t.Fatalf("key change %+v", ch.Attrs[0])
	}
	f.converge(f.resource(given(keyPEM)))
	if f.read("/etc/dkim/2015.private") != keyPEM {
		t.Fatal("garbage not replaced")
	}
}

// TestDKIMNoKeyNoGenerate: with neither private_key nor generate, a
// missing key fails the plan, naming the resource and the file, and an
// Apply forced anyway writes nothing. An existing key is still kept.
func TestDKIMNoKeyNoGenerate(t *testing.T) {
	f := newDKIMFixture(t)
	r := f.resource(nil)
	st, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Plan(context.Background(), st)
	if err == nil || !strings.HasPrefix(err.Error(), "dkim_key.test: /etc/dkim/2015.private does not exist and no key is configured: set private_key") ||
		!strings.Contains(err.Error(), "or generate = true") {
		t.Fatalf("plan without a key: %v", err)
	}
	if err := r.Apply(context.Background(), resources.Change{Action: resources.Create}); err == nil {
		t.Fatal("apply generated a key without generate")
	}
	if _, err := readDKIMFile(f.env, "/etc/dkim/2015.private"); err != nil || fileExists(f, "/etc/dkim/2015.private") {
		t.Fatalf("a key was written: %v", err)
	}
	k, _ := generateDKIMKey("ed25519")
	f.writeKey("/etc/dkim/2015.private", k, false)
	f.converge(f.resource(nil))
	verifyWithTxt(t, f, "2015", "example.org")
}

func fileExists(f *dkimFixture, p string) bool {
	d, _ := readDKIMFile(f.env, p)
	return d != nil
}

// TestDKIMGivenConfigErrors: private_key with generate, and every kind of
// malformed key, are errors on the attribute that never quote the value.
func TestDKIMGivenConfigErrors(t *testing.T) {
	f := newDKIMFixture(t)
	good := dkimPEM(t, must(generateDKIMKey("rsa-2048")), false)
	small := smallRSAKey(t)
	ecdsaPEM := dkimPEM(t, must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)), false)
	for _, c := range []struct {
		name, text, attr, why string
		generate              bool
	}{
		{"with generate", good, "generate", "exclude each other", true},
		{"empty", "", "private_key", "holds no private key tend can read", false},
		{"not PEM", strings.ReplaceAll(good, "-----", ""), "private_key", "holds no private key tend can read", false},
		{"truncated", good[:len(good)/2], "private_key", "holds no private key tend can read", false},
		{"corrupted", strings.Replace(good, "MII", "MIX", 1), "private_key", "holds no private key tend can read", false},
		{"two keys", good + good, "private_key", "must hold one PEM private key and nothing else", false},
		{"text before", "key:\n" + good, "private_key", "must hold one PEM private key and nothing else", false},
		{"encrypted", strings.Replace(good, "-----\n", "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n", 1), "private_key", "encrypted or annotated", false},
		{"ecdsa", ecdsaPEM, "private_key", "holds no private key tend can read", false},
		{"rsa-512", dkimPEM(t, small, true), "private_key", "is an RSA key of 512 bits: DKIM needs at least 1024", false},
	} {
		a := given(c.text)
		if c.generate {
			a["generate"] = cty.True
		}
		_, err := DKIMKey().New(f.config(a))
		var ae *resources.AttrError
		if !errors.As(err, &ae) || ae.Attr != c.attr || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: %v, want an error on %s saying %q", c.name, err, c.attr, c.why)
			continue
		}
		if c.text != "" && (leaks(err.Error(), c.text) || leaks(err.Error(), good)) {
			t.Errorf("%s: the error quotes the key: %s", c.name, err)
		}
	}
}

// smallRSAKey makes a 512-bit RSA key by hand: crypto/rsa refuses to
// generate one, but a file or an old repository may hold one.
func smallRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	one, e := big.NewInt(1), big.NewInt(65537)
	for {
		p, q := must(rand.Prime(rand.Reader, 256)), must(rand.Prime(rand.Reader, 256))
		n := new(big.Int).Mul(p, q)
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d != nil && n.BitLen() == 512 && p.Cmp(q) != 0 {
			return &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d, Primes: []*big.Int{p, q}}
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestDKIMGivenKeyDNSCheck: with private_key, DNS is compared with the
// given key, not with whatever the host holds: a rebuilt host whose
// published record is the given key's signs from its first run.
func TestDKIMGivenKeyDNSCheck(t *testing.T) {
	f := newDKIMFixture(t)
	k, _ := generateDKIMKey("rsa-2048")
	pub, _ := dkimPublicOf(k)
	stub := dnsstub.Start(t)
	stub.SetTXT("2015._domainkey.example.org.", "v=DKIM1; h=sha256; k=rsa; p="+pub.p)
	a := given(dkimPEM(t, k, false))
	a["dns_check"], a["resolver"] = cty.True, cty.StringVal(stub.Addr())
	st, c := f.plan(f.resource(a))
	if st["dns_matches"] != "true" || c.Action != resources.Create || len(c.Warnings) != 0 {
		t.Fatalf("no key on disk, the given key published: dns %q, plan %s, warnings %q", st["dns"], c.Action, c.Warnings)
	}
	// A host holding another key: DNS still matches what the run installs.
	f.converge(f.resource(generated))
	if st, _ := f.plan(f.resource(a)); st["dns_matches"] != "true" {
		t.Fatalf("dns %q with another key on disk", st["dns"])
	}
	// Without private_key it is the key on disk that counts.
	if st, _ := f.plan(f.resource(dkimAttrs{"dns_check": cty.True, "resolver": cty.StringVal(stub.Addr())})); st["dns_matches"] != "false" {
		t.Fatalf("dns %q for another key on disk", st["dns"])
	}
}

// TestDKIMGivenKeyNeverPrinted: nothing a run shows or keeps of a
// dkim_key given its key carries any part of it: the Change, the plan as
// rendered and as JSON, the observed state, the apply's report, and the
// errors of a malformed key, a missing one, a failed apply and a failed
// self-test. The run goes through the engine, as tend's does.
func TestDKIMGivenKeyNeverPrinted(t *testing.T) {
	f := newDKIMFixture(t)
	f.converge(f.resource(generated))
	key := must(generateDKIMKey("rsa-2048"))
	keyPEM := dkimPEM(t, key, true)
	texts := map[string]string{}
	run := func(what string, r resources.Resource, apply bool) engine.Result {
		nodes := []engine.Node{{Addr: "dkim_key.test", Resource: r}}
		opts := engine.Options{Parallel: 1, Pending: engine.AssumePending(nil, time.Now())}
		var res engine.Result
		if apply {
			res = engine.Apply(context.Background(), nodes, graph.New(1), opts)
			texts[what+" report"] = string(must(json.Marshal(report.New(res, time.Now(), time.Second))))
		} else {
			res = engine.Plan(context.Background(), nodes, graph.New(1), opts)
			p := plan.FromResult("n", "", res, [][]string{nil})
			var out bytes.Buffer
			plan.Render(&out, p)
			texts[what+" plan"], texts[what+" plan JSON"] = out.String(), string(must(json.Marshal(p)))
		}
		texts[what+" outcomes"] = string(must(json.Marshal(res.Outcomes)))
		return res
	}
	res := run("replace", f.resource(given(keyPEM)), false)
	if c := res.Outcomes[0].Change; c.Action != resources.Update || len(c.Attrs) == 0 || c.Content == nil {
		t.Fatalf("plan %+v", res.Outcomes[0])
	}
	if !strings.Contains(texts["replace plan"], dkimFingerprint(key)) {
		t.Errorf("the plan does not name the key by its fingerprint:\n%s", texts["replace plan"])
	}
	if res := run("replace", f.resource(given(keyPEM)), true); res.Outcomes[0].Status != engine.Changed {
		t.Fatalf("apply: %+v", res.Outcomes[0])
	}
	// A failed apply: the directory is gone.
	other := dkimAttrs{"private_key": cty.StringVal(keyPEM), "directory": cty.StringVal("/etc/opendkim")}
	if res := run("failed", f.resource(other), true); res.Outcomes[0].Status != engine.Failed {
		t.Fatalf("apply into a missing directory: %+v", res.Outcomes[0])
	}
	for name, text := range map[string]string{"truncated": keyPEM[:len(keyPEM)-40], "two keys": keyPEM + keyPEM} {
		if _, err := DKIMKey().New(f.config(given(text))); err != nil {
			texts[name+" error"] = err.Error()
		} else {
			t.Errorf("%s key accepted", name)
		}
	}
	op, _ := dkimPublicOf(must(generateDKIMKey("rsa-2048")))
	if err := dkimSignVerify(key, "2015", "example.org", "v=DKIM1; k=rsa; p="+op.p); err != nil {
		texts["self-test error"] = err.Error()
	} else {
		t.Error("self-test passed against another key")
	}
	pub, _ := dkimPublicOf(key)
	for what, text := range texts {
		if leaksPrivate(text, keyPEM, pub.p) || leaksPrivate(text, dkimPEM(t, key, false), pub.p) {
			t.Errorf("%s carries key material:\n%s", what, text)
		}
	}
	if !strings.Contains(texts["failed report"], "directory /etc/opendkim does not exist") {
		t.Errorf("the failed apply's report does not say why:\n%s", texts["failed report"])
	}
}

// leaksPrivate is leaks for texts that may show the public key (the .txt
// diff): the private key's encoding contains the modulus, which the
// record publishes, so a run of its base64 also found in the public
// key's is not a leak. Any other run of 16 characters is.
func leaksPrivate(text, keyPEM, publicB64 string) bool {
	if strings.Contains(text, "PRIVATE KEY") {
		return true
	}
	lines := strings.Split(strings.TrimSpace(keyPEM), "\n")
	body := strings.Join(lines[1:len(lines)-1], "")
	flat := strings.ReplaceAll(text, "\n", "")
	for i := 0; i+16 <= len(body); i++ {
		if w := body[i : i+16]; strings.Contains(flat, w) && !strings.Contains(publicB64, w) {
			return true
		}
	}
	return false
}
