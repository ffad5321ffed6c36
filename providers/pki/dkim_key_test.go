package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/tendhq/tend/testfixtures/dnsstub"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/plan"
	"github.com/zclconf/go-cty/cty"
)

// verifyWithTxt signs a message with the key on disk and verifies it with
// go-msgauth against the record parsed from the .txt file on disk,
// independently of the resource's own self-test.
func verifyWithTxt(t *testing.T, f *dkimFixture, selector, domain string) {
	t.Helper()
	key, err := parseDKIMPrivateKey([]byte(f.read("/etc/dkim/" + selector + ".private")))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := parseDKIMRecordFile([]byte(f.read("/etc/dkim/" + selector + ".txt")))
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: a@" + domain + "\r\nSubject: hi\r\n\r\nbody\r\n"
	var signed bytes.Buffer
	if err := dkim.Sign(&signed, strings.NewReader(msg), &dkim.SignOptions{Domain: domain, Selector: selector, Signer: key}); err != nil {
		t.Fatal(err)
	}
	lookup := func(name string) ([]string, error) {
		if name != selector+"._domainkey."+domain {
			return nil, fmt.Errorf("unexpected lookup %s", name)
		}
		return []string{rec.value}, nil
	}
	vs, err := dkim.VerifyWithOptions(&signed, &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("verify: %v %+v", err, vs)
	}
}

func fileOwnerMode(t *testing.T, p string) (int, int, os.FileMode) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid), fi.Mode().Perm()
}

func TestDKIMGenerateSignVerify(t *testing.T) {
	for _, alg := range []string{"", "rsa-3072", "ed25519"} {
		t.Run("algorithm="+alg, func(t *testing.T) {
			f := newDKIMFixture(t)
			a := dkimAttrs{"generate": cty.True}
			want := "rsa-2048"
			if alg != "" {
				a["algorithm"], want = cty.StringVal(alg), alg
			}
			r := f.resource(a)
			c := f.converge(r)
			if c.Action != resources.Create || !strings.Contains(c.Reason, "a new "+want+" key will be generated") {
				t.Fatalf("first plan: %s (%s)", c.Action, c.Reason)
			}
			verifyWithTxt(t, f, "2015", "example.org")
			key, _ := parseDKIMPrivateKey([]byte(f.read("/etc/dkim/2015.private")))
			if got := dkimAlgorithmOf(key); got != want {
				t.Fatalf("generated %s, want %s", got, want)
			}
			if uid, gid, mode := fileOwnerMode(t, f.path("/etc/dkim/2015.private")); uid != f.uid || gid != f.gid || mode != 0o600 {
				t.Fatalf(".private is %d:%d %04o, want %d:%d 0600", uid, gid, mode, f.uid, f.gid)
			}
			if _, _, mode := fileOwnerMode(t, f.path("/etc/dkim/2015.txt")); mode != 0o644 {
				t.Fatalf(".txt mode %04o", mode)
			}
			before := f.read("/etc/dkim/2015.private")
			// A second run plans nothing and so applies nothing.
			f.wantPlan(f.resource(a), resources.NoOp, "match")
			// Even an Apply forced on the existing key keeps it byte for byte.
			if err := r.Apply(context.Background(), resources.Change{Action: resources.Update}); err != nil {
				t.Fatal(err)
			}
			if f.read("/etc/dkim/2015.private") != before {
				t.Fatal("apply replaced an existing key")
			}
		})
	}
}

// TestDKIMRecordFormat compares the .txt file with what opendkim-genkey
// 2.11 writes (observed from Debian 12's opendkim-tools; Debian 11's
// writes the same), base64 runs replaced by their lengths. No key is
// committed: the keys are generated here.
func TestDKIMRecordFormat(t *testing.T) {
	cases := []struct {
		alg  string
		want string
	}{
		{"rsa-2048", "2015._domainkey\tIN\tTXT\t( \"v=DKIM1; h=sha256; k=rsa; \"\n\t  \"p=<250>\"\n\t  \"<142>\" )  ; ----- DKIM key 2015 for example.org\n"},
		{"rsa-3072", "2015._domainkey\tIN\tTXT\t( \"v=DKIM1; h=sha256; k=rsa; \"\n\t  \"p=<250>\"\n\t  \"<250>\"\n\t  \"<64>\" )  ; ----- DKIM key 2015 for example.org\n"},
		{"ed25519", "2015._domainkey\tIN\tTXT\t( \"v=DKIM1; h=sha256; k=ed25519; \"\n\t  \"p=<44>\" )  ; ----- DKIM key 2015 for example.org\n"},
	}
	b64 := regexp.MustCompile(`[A-Za-z0-9+/]{40,}=*`)
	for _, c := range cases {
		key, err := generateDKIMKey(c.alg)
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := dkimPublicOf(key)
		got := string(formatDKIMRecord("2015", "example.org", pub.k, pub.p))
		shape := b64.ReplaceAllStringFunc(got, func(s string) string { return fmt.Sprintf("<%d>", len(s)) })
		if shape != c.want {
			t.Errorf("%s: .txt shape\n%q\nwant\n%q", c.alg, shape, c.want)
		}
		rec, err := parseDKIMRecordFile([]byte(got))
		if err != nil || rec.name != "2015._domainkey" {
			t.Fatalf("%s: parse back: %+v %v", c.alg, rec, err)
		}
		if ok, why := pub.matchRecord(rec.value); !ok {
			t.Fatalf("%s: parsed record does not match: %s", c.alg, why)
		}
	}
	// A key of exactly 250 base64 characters ends in an empty string, as
	// opendkim-genkey's loop writes it.
	if got := string(formatDKIMRecord("s", "d", "rsa", strings.Repeat("A", 250))); !strings.HasSuffix(got, "\"\n\t  \"\" )  ; ----- DKIM key s for d\n") {
		t.Fatalf("250-character key: %q", got)
	}
}

func TestDKIMParsesHandWrittenRecords(t *testing.T) {
	key, _ := generateDKIMKey("rsa-2048")
	pub, _ := dkimPublicOf(key)
	for _, txt := range []string{
		// One line, as some admins write it, with a testing flag.
		fmt.Sprintf("sel._domainkey.example.org. 3600 IN TXT \"v=DKIM1; k=rsa; t=y; p=%s\"\n", pub.p),
		// opendkim-genkey -t -r -a with a note (escaped quotes inside).
		fmt.Sprintf("sel._domainkey.example.org.\tIN\tTXT\t( \"v=DKIM1; n=\\\"a; b\\\"; h=sha256; k=rsa; t=y; s=email; \"\n\t  \"p=%s\"\n\t  \"%s\" )  ; ----- DKIM key sel for example.org\n", pub.p[:250], pub.p[250:]),
	} {
		rec, err := parseDKIMRecordFile([]byte(txt))
		if err != nil {
			t.Fatalf("%q: %v", txt, err)
		}
		if ok, why := pub.matchRecord(rec.value); !ok {
			t.Fatalf("%q: %s (value %q)", txt, why, rec.value)
		}
	}
	for _, bad := range []string{"", "sel._domainkey IN TXT ( v=DKIM1 )\n", "x IN TXT \"v=DKIM1; p=abc\n"} {
		if _, err := parseDKIMRecordFile([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestDKIMExistingKeyKept: a key made by hand (PKCS#1, as Debian 11's
// opendkim-genkey writes) with no .txt keeps its bytes; the .txt is
// written from it and the owner fixed.
func TestDKIMExistingKeyKept(t *testing.T) {
	f := newDKIMFixture(t)
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	orig := f.writeKey("/etc/dkim/2015.private", k, true)
	os.Chown(f.path("/etc/dkim/2015.private"), 0, 0)
	os.Chmod(f.path("/etc/dkim/2015.private"), 0o640)
	r := f.resource(dkimAttrs{"algorithm": cty.StringVal("ed25519"), "generate": cty.True})
	c := f.wantPlan(r, resources.Update, "/etc/dkim/2015.txt does not exist: rewritten from the existing key, which is kept")
	if len(c.Warnings) != 1 || c.Warnings[0] != `the existing rsa-2048 key is kept: algorithm "ed25519" applies to a new key only` {
		t.Fatalf("no warning that the algorithm is not applied: %q", c.Warnings)
	}
	f.converge(r)
	if f.read("/etc/dkim/2015.private") != orig {
		t.Fatal("existing key was rewritten")
	}
	verifyWithTxt(t, f, "2015", "example.org")
	if uid, gid, mode := fileOwnerMode(t, f.path("/etc/dkim/2015.private")); mode != 0o600 || (os.Getuid() == 0 && (uid != f.uid || gid != f.gid)) {
		t.Fatalf(".private is %d:%d %04o", uid, gid, mode)
	}
	f.wantPlan(f.resource(nil), resources.NoOp, "rsa-2048 key and /etc/dkim/2015.txt match")
}

// TestDKIMChangedTxtDetected: a .txt holding another key is planned as an
// update, shown as a diff, and rewritten from the key, which is kept.
func TestDKIMChangedTxtDetected(t *testing.T) {
	f := newDKIMFixture(t)
	f.converge(f.resource(generated))
	key := f.read("/etc/dkim/2015.private")
	good := f.read("/etc/dkim/2015.txt")
	other, _ := generateDKIMKey("rsa-2048")
	op, _ := dkimPublicOf(other)
	f.write("/etc/dkim/2015.txt", string(formatDKIMRecord("2015", "example.org", op.k, op.p)), 0o644)
	c := f.wantPlan(f.resource(nil), resources.Update, "/etc/dkim/2015.txt differs (record holds another public key): rewritten from the existing key")
	if c.Content == nil || len(c.Content.Hunks) == 0 || c.Content.Sensitive {
		t.Fatalf("no readable diff of the .txt: %+v", c.Content)
	}
	f.converge(f.resource(nil))
	if f.read("/etc/dkim/2015.txt") != good || f.read("/etc/dkim/2015.private") != key {
		t.Fatal("the .txt was not restored from the kept key")
	}
	// A revoked record and garbage are told apart.
	f.write("/etc/dkim/2015.txt", "2015._domainkey IN TXT \"v=DKIM1; p=\"\n", 0o644)
	f.wantPlan(f.resource(nil), resources.Update, "revokes the key")
	f.write("/etc/dkim/2015.txt", "garbage\n", 0o644)
	f.wantPlan(f.resource(nil), resources.Update, "unreadable (no quoted TXT string)")
}

func TestDKIMDNSCheck(t *testing.T) {
	f := newDKIMFixture(t)
	f.converge(f.resource(generated))
	rec, _ := parseDKIMRecordFile([]byte(f.read("/etc/dkim/2015.txt")))
	other, _ := generateDKIMKey("rsa-2048")
	op, _ := dkimPublicOf(other)
	name := "2015._domainkey.example.org."
	stub := dnsstub.Start(t)
	stub.SetTXT(name, rec.value)
	check := func(resolver, want string) resources.Change {
		t.Helper()
		r := f.resource(dkimAttrs{"dns_check": cty.True, "resolver": cty.StringVal(resolver)})
		st, c := f.plan(r)
		if !strings.HasPrefix(st["dns"], want) || c.Action != resources.NoOp {
			t.Fatalf("dns %q, plan %s (%s); want dns %q and no change", st["dns"], c.Action, c.Reason, want)
		}
		return c
	}
	if c := check(stub.Addr(), "matches"); len(c.Warnings) != 0 {
		t.Fatalf("matching DNS reported: %q", c.Warnings)
	}
	stub.SetTXT(name, "v=DKIM1; h=sha256; k=rsa; p="+op.p)
	c := check(stub.Addr(), "differs")
	if len(c.Warnings) != 1 || c.Warnings[0] != "dns: 2015._domainkey.example.org differs: the published record must be replaced" || len(c.Attrs) != 0 {
		t.Fatalf("DNS mismatch not reported as a warning: %q %+v", c.Warnings, c.Attrs)
	}
	// The rendered plan shows it, though the key has nothing to do.
	p := &plan.Plan{Node: "n", Resources: []plan.Resource{{Address: "dkim_key.test", Change: c}}}
	p.Summarize()
	var out bytes.Buffer
	plan.Render(&out, p)
	if !strings.Contains(out.String(), "warning: dns: 2015._domainkey.example.org differs") || !strings.Contains(out.String(), "No changes.") {
		t.Fatalf("rendered plan:\n%s", out.String())
	}
	stub.SetStrings(name, nil)
	check(stub.Addr(), "missing")
	// A resolver that does not answer is "unknown", and the run goes on.
	closed := closedUDPPort(t)
	check(closed, "unknown (lookup 2015._domainkey.example.org. on "+closed+": ")
	// The default resolver is the root's resolv.conf's.
	f.write("/etc/resolv.conf", "# stub\nnameserver 127.0.0.1\n", 0o644)
	r := f.resource(dkimAttrs{"dns_check": cty.True})
	if got, err := r.rootNameserver(); err != nil || got != "127.0.0.1:53" {
		t.Fatalf("root nameserver %q, %v", got, err)
	}
}

// closedUDPPort is a loopback address nothing listens on.
func closedUDPPort(t *testing.T) string {
	stub := dnsstub.Start(t)
	return stub.Addr()[:strings.LastIndexByte(stub.Addr(), ':')] + ":1"
}

// TestDKIMKeyNeverPrinted: no plan, JSON plan, rendered plan or error
// carries any part of the private key.
func TestDKIMKeyNeverPrinted(t *testing.T) {
	f := newDKIMFixture(t)
	f.converge(f.resource(generated))
	keyPEM := f.read("/etc/dkim/2015.private")
	os.Chmod(f.path("/etc/dkim/2015.private"), 0o644)
	f.write("/etc/dkim/2015.txt", "garbage with "+keyPEM, 0o644)
	_, c := f.plan(f.resource(nil))
	if c.Action != resources.Update || c.Content == nil || !c.Content.Sensitive {
		t.Fatalf("plan %s, content %+v: a .txt holding a private key must be masked", c.Action, c.Content)
	}
	js, _ := json.Marshal(c)
	p := &plan.Plan{Node: "n", Resources: []plan.Resource{{Address: "dkim_key.test", Change: c}}}
	p.Summarize()
	var rendered bytes.Buffer
	plan.Render(&rendered, p)
	texts := map[string]string{"json": string(js), "rendered": rendered.String()}
	// Errors: an unreadable key and a failed self-test.
	f.write("/etc/dkim/2015.private", keyPEM[:len(keyPEM)/2], 0o600)
	if _, err := f.resource(nil).Read(context.Background()); err == nil {
		t.Fatal("a truncated key was read")
	} else {
		texts["read error"] = err.Error()
	}
	key, _ := parseDKIMPrivateKey([]byte(keyPEM))
	other, _ := generateDKIMKey("rsa-2048")
	op, _ := dkimPublicOf(other)
	if err := dkimSignVerify(key, "2015", "example.org", "v=DKIM1; k=rsa; p="+op.p); err == nil {
		t.Fatal("self-test passed against another key")
	} else {
		texts["self-test error"] = err.Error()
	}
	for what, text := range texts {
		if leaks(text, keyPEM) {
			t.Errorf("%s carries key material:\n%s", what, text)
		}
	}
	if !strings.Contains(texts["self-test error"], "does not verify against 2015.txt") {
		t.Errorf("self-test error does not say what failed: %s", texts["self-test error"])
	}
}

// leaks reports whether text holds the PEM markers or any 16 characters
// in a row of the key's base64 body.
func leaks(text, keyPEM string) bool {
	if strings.Contains(text, "PRIVATE KEY") {
		return true
	}
	body := strings.Join(strings.Split(keyPEM, "\n")[1:], "")
	body = strings.TrimSuffix(strings.TrimSuffix(body, "-----END PRIVATE KEY-----"), "=")
	flat := strings.ReplaceAll(text, "\n", "")
	for i := 0; i+16 <= len(body); i += 8 {
		if strings.Contains(flat, body[i:i+16]) {
			return true
		}
	}
	return false
}

// TestDKIMSelfTestFailsTheResource: Apply fails, without key material,
// when the written record does not verify the key. The fault (a .txt
// rewritten between write and test) is injected through the directory.
func TestDKIMSelfTestFailsTheResource(t *testing.T) {
	f := newDKIMFixture(t)
	f.converge(f.resource(generated))
	other, _ := generateDKIMKey("ed25519")
	op, _ := dkimPublicOf(other)
	f.write("/etc/dkim/2015.txt", string(formatDKIMRecord("2015", "example.org", op.k, op.p)), 0o644)
	r := f.resource(generated)
	key, _ := parseDKIMPrivateKey([]byte(f.read("/etc/dkim/2015.private")))
	err := r.selfTest(key)
	if err == nil || !strings.Contains(err.Error(), "self-test") {
		t.Fatalf("self-test against an ed25519 record for an RSA key: %v", err)
	}
	if err := r.Verify(context.Background()); err == nil {
		t.Fatal("Verify passed with a .txt for another key")
	}
}

func TestDKIMConfigErrors(t *testing.T) {
	f := newDKIMFixture(t)
	for _, c := range []struct {
		a    dkimAttrs
		attr string
	}{
		{dkimAttrs{"directory": cty.StringVal("etc/dkim")}, "directory"},
		{dkimAttrs{"directory": cty.StringVal("/")}, "directory"},
		{dkimAttrs{"selector": cty.StringVal("a/b")}, "selector"},
		{dkimAttrs{"domain": cty.StringVal("exa mple.org")}, "domain"},
		{dkimAttrs{"algorithm": cty.StringVal("rsa-1024")}, "algorithm"},
		{dkimAttrs{"owner": cty.StringVal("")}, "owner"},
		{dkimAttrs{"resolver": cty.StringVal("127.0.0.1:53")}, "resolver"},
		{dkimAttrs{"dns_check": cty.True, "resolver": cty.StringVal("dns.example:53")}, "resolver"},
	} {
		_, err := DKIMKey().New(f.config(c.a))
		var ae *resources.AttrError
		if !errors.As(err, &ae) || ae.Attr != c.attr {
			t.Errorf("%v: error %v, want one on %s", c.a, err, c.attr)
		}
	}
	for _, a := range DKIMKeySchema.Attrs {
		if a.Doc == "" {
			t.Errorf("attribute %s has no Doc", a.Name)
		}
	}
}

func TestDKIMIdentityAndNeeds(t *testing.T) {
	f := newDKIMFixture(t)
	cfg := f.config(dkimAttrs{"directory": cty.StringVal("/etc/dkim/keys/")})
	if got := fmt.Sprint(DKIMKey().Identities(cfg)); got != "[file:/etc/dkim/keys/2015.private file:/etc/dkim/keys/2015.txt]" {
		t.Fatalf("identity %s", got)
	}
	got := fmt.Sprint(DKIMKey().Order(cfg))
	if got != "[after user:opendkim after group:opendkim after file:/etc after file:/etc/dkim after file:/etc/dkim/keys]" {
		t.Fatalf("needs %s", got)
	}
}

// TestDKIMMissingDirectory: the key is planned, and Apply says what to do.
func TestDKIMMissingDirectory(t *testing.T) {
	f := newDKIMFixture(t)
	r := f.resource(dkimAttrs{"directory": cty.StringVal("/etc/opendkim/keys"), "generate": cty.True})
	_, c := f.plan(r)
	err := r.Apply(context.Background(), c)
	if c.Action != resources.Create || err == nil || !strings.Contains(err.Error(), "directory /etc/opendkim does not exist") {
		t.Fatalf("plan %s, apply %v", c.Action, err)
	}
}

// TestDKIMSymlinkedDirectory: a key directory that is a symlink (here to
// a directory outside the root) is refused, and nothing is written there.
func TestDKIMSymlinkedDirectory(t *testing.T) {
	f := newDKIMFixture(t)
	outside := t.TempDir()
	if err := os.MkdirAll(f.path("/etc/opendkim"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, f.path("/etc/opendkim/keys")); err != nil {
		t.Fatal(err)
	}
	r := f.resource(dkimAttrs{"directory": cty.StringVal("/etc/opendkim/keys"), "generate": cty.True})
	st, err := r.Read(context.Background())
	if err == nil {
		_, err = r.Plan(context.Background(), st)
	}
	if err == nil {
		err = r.Apply(context.Background(), resources.Change{Action: resources.Create})
	}
	if err == nil || !strings.Contains(err.Error(), "/etc/opendkim/keys") {
		t.Fatalf("error %v, want one naming the symlinked directory", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("written outside the root: %v", entries)
	}
}

var _ crypto.Signer = ed25519.PrivateKey(nil)

// TestDKIMKeyAppearedSincePlan: a key written between plan and apply (by
// hand, by another run) is kept, and the apply fails saying so.
func TestDKIMKeyAppearedSincePlan(t *testing.T) {
	f := newDKIMFixture(t)
	r := f.resource(generated)
	_, c := f.plan(r)
	k, _ := generateDKIMKey("ed25519")
	theirs := f.writeKey("/etc/dkim/2015.private", k, false)
	err := r.Apply(context.Background(), c)
	if c.Action != resources.Create || err == nil || !strings.Contains(err.Error(), "appeared since the plan") {
		t.Fatalf("plan %s, apply %v", c.Action, err)
	}
	if f.read("/etc/dkim/2015.private") != theirs {
		t.Fatal("a key that appeared since the plan was replaced")
	}
}

// TestDKIMOwnershipRepaired: a key made readable to others, or owned by
// someone else, is fixed in place; owner given as a numeric id compares
// by name.
func TestDKIMOwnershipRepaired(t *testing.T) {
	f := newDKIMFixture(t)
	a := dkimAttrs{"owner": cty.StringVal(fmt.Sprint(f.uid)), "generate": cty.True}
	f.converge(f.resource(a))
	key := f.read("/etc/dkim/2015.private")
	os.Chmod(f.path("/etc/dkim/2015.private"), 0o644)
	c := f.wantPlan(f.resource(a), resources.Update, "mode of /etc/dkim/2015.private differs")
	if len(c.Attrs) != 1 || c.Attrs[0] != resources.NewAttrChange("mode", "0644", "0600", false) || c.Content != nil {
		t.Fatalf("attrs %+v, content %+v", c.Attrs, c.Content)
	}
	f.converge(f.resource(a))
	if _, _, mode := fileOwnerMode(t, f.path("/etc/dkim/2015.private")); mode != 0o600 || f.read("/etc/dkim/2015.private") != key {
		t.Fatalf("mode %04o after repair, or the key changed", mode)
	}
	if os.Getuid() == 0 {
		os.Chown(f.path("/etc/dkim/2015.private"), 0, 0)
		f.wantPlan(f.resource(a), resources.Update, "owner of /etc/dkim/2015.private differs; group of /etc/dkim/2015.private differs")
		f.converge(f.resource(a))
		f.wantPlan(f.resource(nil), resources.NoOp, "match")
	}
}

// A key directory that does not exist is what the plan needs created
// first (MissingPaths).
func TestDKIMMissingDirectoryNeeded(t *testing.T) {
	f := newDKIMFixture(t)
	_, c := f.plan(f.resource(dkimAttrs{"directory": cty.StringVal("/etc/opendkim/keys"), "generate": cty.True}))
	want := []resources.PathNeed{{Path: "/etc/opendkim/keys", Dir: true, Outermost: "/etc/opendkim"}}
	if !slices.Equal(c.MissingPaths, want) {
		t.Fatalf("missing paths %v, want %v", c.MissingPaths, want)
	}
	if _, c := f.plan(f.resource(generated)); len(c.MissingPaths) != 0 {
		t.Fatalf("with the directory present: missing paths %v", c.MissingPaths)
	}
}
