package pki

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"syscall"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

func TestConfigErrorsPointAtTheirAttribute(t *testing.T) {
	f, ca := newTLSFixture(t), newTLSCA(t)
	leaf, key := ca.leaf(t, leafOpts{})
	chain, keyPEM := certsPEM(leaf, ca.inter), pkcs8PEM(t, key)
	with := func(k string, v cty.Value) tlsAttrs { a := pair(chain, keyPEM); a[k] = v; return a }
	cases := map[string]struct {
		a    tlsAttrs
		attr string
	}{
		"relative chain path": {with("chain_path", cty.StringVal("certs/mail.pem")), "chain_path"},
		"same paths":          {with("key_path", cty.StringVal(testChainPath)), "key_path"},
		"no names":            {with("names", cty.ListValEmpty(cty.String)), "names"},
		"bad mode":            {with("key_mode", cty.StringVal("rw-------")), "key_mode"},
		"special bits":        {with("chain_mode", cty.StringVal("4755")), "chain_mode"},
		"empty owner":         {with("key_owner", cty.StringVal("")), "key_owner"},
		"negative window":     {with("expiry_warning_days", cty.NumberIntVal(-1)), "expiry_warning_days"},
		"chain not PEM":       {with("chain", cty.StringVal("hello")), "chain"},
		"key not PEM":         {with("key", cty.StringVal("hello")), "key"},
		"key is a cert":       {with("key", cty.StringVal(chain)), "key"},
		"two roots":           {with("root", cty.StringVal(certsPEM(ca.root, ca.inter))), "root"},
	}
	for name, tc := range cases {
		_, err := TLSCertificate().New(f.config(tc.a))
		var ae *resources.AttrError
		if !errors.As(err, &ae) || ae.Attr != tc.attr {
			t.Errorf("%s: %v, want an error on %s", name, err, tc.attr)
		}
	}
}

func TestIdentityAndNeeds(t *testing.T) {
	f := newTLSFixture(t)
	a := pair("", "")
	a["key_owner"], a["key_group"], a["chain_group"] = cty.StringVal("root"), cty.StringVal("ssl-cert"), cty.StringVal("0")
	cfg := f.config(a)
	if id := TLSCertificate().Identities(cfg); !slices.Equal(id, []resources.ID{resources.FileID(testKeyPath), resources.FileID(testChainPath)}) {
		t.Errorf("identities %v", id)
	}
	got := fmt.Sprint(TLSCertificate().Order(cfg))
	want := "[after file:/etc after file:/etc/ssl after file:/etc/ssl/certs after user:root after group:ssl-cert after file:/etc/ssl/private]"
	if got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}

// Owner and group resolve in the root's own account files, and a changed
// group is planned and repaired.
func TestOwnerGroupAndModeUnderTheRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	f, ca := newTLSFixture(t), newTLSCA(t)
	os.WriteFile(f.env.Path("/etc/passwd"), []byte("root:x:0:0::/root:/bin/sh\npostfix:x:107:114::/var/spool/postfix:/usr/sbin/nologin\n"), 0644)
	os.WriteFile(f.env.Path("/etc/group"), []byte("root:x:0:\npostfix:x:114:\nssl-cert:x:112:postfix\n"), 0644)
	leaf, key := ca.leaf(t, leafOpts{})
	a := pair(certsPEM(leaf, ca.inter), pkcs8PEM(t, key))
	a["key_owner"], a["key_group"], a["key_mode"] = cty.StringVal("root"), cty.StringVal("ssl-cert"), cty.StringVal("0640")
	a["chain_owner"] = cty.StringVal("107")
	r := f.resource(a)
	f.converge(r)
	for p, want := range map[string][3]int{testKeyPath: {0, 112, 0640}, testChainPath: {107, 0, 0644}} {
		fi, _ := os.Stat(f.env.Path(p))
		st := fi.Sys().(*syscall.Stat_t)
		if int(st.Uid) != want[0] || int(st.Gid) != want[1] || int(fi.Mode().Perm()) != want[2] {
			t.Errorf("%s: %d:%d %o, want %v", p, st.Uid, st.Gid, fi.Mode().Perm(), want)
		}
	}
	os.Chown(f.env.Path(testKeyPath), 0, 0)
	c, err := f.plan(r)
	if err != nil || c.Action != resources.Update || c.Reason != "key_group differs" ||
		len(c.Attrs) != 1 || c.Attrs[0] != (resources.AttrChange{Name: "key_group", Old: "root", New: "ssl-cert"}) {
		t.Fatalf("plan: %+v, %v", c, err)
	}
	f.converge(r)
}
