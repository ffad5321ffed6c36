package pki

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/kindtest"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// dkimFixture is a throwaway root with /etc/dkim and an opendkim account
// in its own /etc/passwd and /etc/group. As root, opendkim gets Debian's
// usual ids; otherwise the running user's, so chown still works.
type dkimFixture struct {
	t        *testing.T
	env      resources.Env
	uid, gid int
}

type dkimAttrs map[string]cty.Value

// generated is the configuration of a key the host generates.
var generated = dkimAttrs{"generate": cty.True}

func newDKIMFixture(t *testing.T) *dkimFixture {
	t.Helper()
	f := &dkimFixture{t: t, env: resources.Env{Root: t.TempDir(), StateDir: t.TempDir()}, uid: 108, gid: 113}
	if os.Getuid() != 0 {
		f.uid, f.gid = os.Getuid(), os.Getgid()
	}
	for _, d := range []string{"/etc", "/etc/dkim"} {
		if err := os.Mkdir(f.path(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f.write("/etc/passwd", fmt.Sprintf("root:x:0:0:root:/root:/bin/bash\nopendkim:x:%d:%d::/run/opendkim:/usr/sbin/nologin\n", f.uid, f.gid), 0o644)
	f.write("/etc/group", fmt.Sprintf("root:x:0:\nopendkim:x:%d:\n", f.gid), 0o644)
	return f
}

func (f *dkimFixture) path(p string) string { return f.env.Path(p) }

func (f *dkimFixture) write(p, content string, mode os.FileMode) {
	f.t.Helper()
	if err := os.WriteFile(f.path(p), []byte(content), mode); err != nil {
		f.t.Fatal(err)
	}
}

func (f *dkimFixture) read(p string) string {
	f.t.Helper()
	b, err := os.ReadFile(f.path(p))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *dkimFixture) config(a dkimAttrs) *resources.Config {
	all := map[string]cty.Value{"directory": cty.StringVal("/etc/dkim"), "selector": cty.StringVal("2015"), "domain": cty.StringVal("example.org")}
	for k, v := range a {
		all[k] = v
	}
	return kindtest.Config(f.t, DKIMKeySchema, f.env, all)
}

func (f *dkimFixture) resource(a dkimAttrs) *dkimKey {
	f.t.Helper()
	r, err := DKIMKey().New(f.config(a))
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return r.(*dkimKey)
}

func (f *dkimFixture) plan(r resources.Resource) (resources.State, resources.Change) {
	f.t.Helper()
	st, err := r.Read(context.Background())
	if err != nil {
		f.t.Fatalf("read: %v", err)
	}
	c, err := r.Plan(context.Background(), st)
	if err != nil {
		f.t.Fatalf("plan: %v", err)
	}
	return st, c
}

// converge plans, applies and verifies as the engine does, returning the
// planned change.
func (f *dkimFixture) converge(r resources.Resource) resources.Change {
	f.t.Helper()
	_, c := f.plan(r)
	if c.Action == resources.NoOp {
		return c
	}
	if err := r.Apply(context.Background(), c); err != nil {
		f.t.Fatalf("apply %s (%s): %v", c.Action, c.Reason, err)
	}
	if err := r.Verify(context.Background()); err != nil {
		f.t.Fatalf("verify: %v", err)
	}
	return c
}

func (f *dkimFixture) wantPlan(r resources.Resource, want resources.Action, reason string) resources.Change {
	f.t.Helper()
	_, c := f.plan(r)
	if c.Action != want || !strings.Contains(c.Reason, reason) {
		f.t.Fatalf("plan: %s (%s), want %s with %q", c.Action, c.Reason, want, reason)
	}
	return c
}

// writeKey writes key as PEM the way opendkim-genkey's openssl does, and
// returns the PEM.
func (f *dkimFixture) writeKey(p string, key crypto.Signer, pkcs1 bool) string {
	f.t.Helper()
	var blk *pem.Block
	if pkcs1 {
		der := x509.MarshalPKCS1PrivateKey(key.(*rsa.PrivateKey))
		blk = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}
	} else {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			f.t.Fatal(err)
		}
		blk = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	s := string(pem.EncodeToMemory(blk))
	f.write(p, s, 0o600)
	return s
}
