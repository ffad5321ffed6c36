package pki

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/container"
	"github.com/zclconf/go-cty/cty"
)

// opendkimHeader is how `opendkim -t` (test mode) shows the signature it
// would add.
var opendkimHeader = regexp.MustCompile(`(?s)### INSHEADER: idx=\d+ hname='DKIM-Signature' hvalue='([^']*)'`)

// TestDKIMOpendkimSigns is the real thing: in a Debian 11 container with
// Debian's opendkim, keys tend wrote under the root for the opendkim
// account are loaded by opendkim itself, run as that user (it refuses
// keys it does not own), and it signs with them. For RSA, the signature
// opendkim makes verifies with go-msgauth against the .txt tend wrote.
//
// Ed25519 is only checked as far as opendkim loading the key and signing:
// Debian 11's opendkim (2.11.0~beta2) makes Ed25519 signatures that
// go-msgauth rejects whatever the key's origin; a key from Debian's own
// `openssl genpkey` fares the same (tried while writing this test).
func TestDKIMOpendkimSigns(t *testing.T) {
	c := container.New(t, container.Options{Packages: []string{"opendkim"}})
	c.Boot(t)
	c.Run(t, "apt-get", "install", "-y", "opendkim")
	c.Run(t, "mkdir", "/etc/dkim", "/etc/dkimtest")
	f := &dkimFixture{t: t, env: resources.Env{Root: c.Root()}}
	msg := "From: a@example.org\r\nTo: b@example.net\r\nSubject: x\r\nDate: Thu, 01 Jan 2015 00:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n\r\nbody\r\n"
	f.write("/etc/dkimtest/msg.eml", msg, 0o644)
	for _, alg := range []string{"rsa-2048", "rsa-3072", "ed25519"} {
		sel, sigAlg := strings.ReplaceAll(alg, "-", ""), "rsa-sha256"
		if alg == "ed25519" {
			sigAlg = "ed25519-sha256"
		}
		f.converge(f.resource(dkimAttrs{"selector": cty.StringVal(sel), "algorithm": cty.StringVal(alg), "generate": cty.True}))
		conf := fmt.Sprintf("Domain example.org\nSelector %s\nKeyFile /etc/dkim/%s.private\nMode s\nSyslog no\nSignatureAlgorithm %s\n", sel, sel, sigAlg)
		f.write("/etc/dkimtest/"+sel+".conf", conf, 0o644)
		out, stderr, err := c.Exec(t.Context(), "runuser", "-u", "opendkim", "--", "opendkim", "-x", "/etc/dkimtest/"+sel+".conf", "-t", "/etc/dkimtest/msg.eml", "-vv")
		m := opendkimHeader.FindStringSubmatch(out)
		if err != nil || m == nil || !strings.Contains(m[1], "a="+sigAlg+";") {
			t.Fatalf("%s: opendkim did not sign with the key: %v\n%s\n%s", alg, err, out, stderr)
		}
		if alg == "ed25519" {
			continue
		}
		signed := "DKIM-Signature: " + strings.ReplaceAll(m[1], "\n", "\r\n") + "\r\n" + msg
		rec, err := parseDKIMRecordFile([]byte(f.read("/etc/dkim/" + sel + ".txt")))
		if err != nil {
			t.Fatal(err)
		}
		lookup := func(string) ([]string, error) { return []string{rec.value}, nil }
		vs, err := dkim.VerifyWithOptions(bytes.NewReader([]byte(signed)), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "example.org" {
			t.Fatalf("%s: opendkim's signature does not verify against %s.txt: %v %+v", alg, sel, err, vs)
		}
	}
}
