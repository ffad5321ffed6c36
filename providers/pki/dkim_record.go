package pki

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// dkimChunk is how many base64 characters of the public key
// opendkim-genkey puts in each quoted string of the .txt file.
const dkimChunk = 250

// formatDKIMRecord renders SELECTOR.txt byte for byte as opendkim-genkey
// (opendkim-tools 2.11, Debian 11 and 12) writes it with its default
// options, so DNS admins find what they are used to:
//
//	SEL._domainkey<TAB>IN<TAB>TXT<TAB>( "v=DKIM1; h=sha256; k=rsa; "
//	<TAB>  "p=<250 base64 characters>"
//	<TAB>  "<the rest>" )  ; ----- DKIM key SEL for DOMAIN
//
// k is "rsa" or "ed25519"; p is the public key in base64.
func formatDKIMRecord(selector, domain, k, p string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s._domainkey\tIN\tTXT\t( \"v=DKIM1; h=sha256; k=%s; \"\n\t  \"p=", selector, k)
	for len(p) >= dkimChunk {
		b.WriteString(p[:dkimChunk])
		b.WriteString("\"\n\t  \"")
		p = p[dkimChunk:]
	}
	b.WriteString(p)
	fmt.Fprintf(&b, "\" )  ; ----- DKIM key %s for %s\n", selector, domain)
	return []byte(b.String())
}

// dkimRecord is a DKIM key record as a .txt file or DNS holds it.
type dkimRecord struct {
	// name is the owner name the .txt file gives ("2015._domainkey").
	name string
	// value is the TXT record's strings joined, as DNS serves it.
	value string
}

// parseDKIMRecordFile reads a .txt file in zone file syntax: an owner
// name, then the record's quoted strings, in parentheses over several
// lines or on one, with ";" comments. It accepts what opendkim-genkey
// writes with any options, and hand-written one-line records.
func parseDKIMRecordFile(b []byte) (dkimRecord, error) {
	var r dkimRecord
	s := string(b)
	if f := strings.Fields(s); len(f) > 0 && !strings.HasPrefix(f[0], "\"") {
		r.name = f[0]
	}
	var v strings.Builder
	found := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ';':
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				i = len(s)
			} else {
				i += nl
			}
		case '"':
			end, err := dkimReadQuoted(s, i+1, &v)
			if err != nil {
				return r, err
			}
			i, found = end, true
		}
	}
	if !found {
		return r, errors.New("no quoted TXT string")
	}
	r.value = v.String()
	return r, nil
}

// dkimReadQuoted appends the zone file string starting after the quote at
// start-1, undoing backslash escapes, and returns its closing quote's
// index.
func dkimReadQuoted(s string, start int, v *strings.Builder) (int, error) {
	for i := start; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				v.WriteByte(s[i])
			}
		case '"':
			return i, nil
		default:
			v.WriteByte(s[i])
		}
	}
	return 0, errors.New("unterminated quoted string")
}

// dkimTags parses a DKIM tag list ("v=DKIM1; k=rsa; p=...") into tags;
// whitespace inside values (folded p= values) is dropped.
func dkimTags(value string) map[string]string {
	tags := map[string]string{}
	for _, part := range strings.Split(value, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		tags[strings.TrimSpace(k)] = strings.Join(strings.Fields(v), "")
	}
	return tags
}

// dkimPublic is a public key as DKIM records spell it.
type dkimPublic struct {
	// k is the record's key type, "rsa" or "ed25519".
	k string
	// p is the key in base64: the DER SubjectPublicKeyInfo for RSA, the
	// raw 32 bytes for Ed25519 (RFC 8463).
	p string
}

// dkimPublicOf derives the record form of a private key's public half.
func dkimPublicOf(key crypto.Signer) (dkimPublic, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return dkimPublic{}, err
		}
		return dkimPublic{k: "rsa", p: base64.StdEncoding.EncodeToString(der)}, nil
	case ed25519.PublicKey:
		return dkimPublic{k: "ed25519", p: base64.StdEncoding.EncodeToString(pub)}, nil
	}
	return dkimPublic{}, errors.New("unsupported key type")
}

// matchRecord compares a record value with the key's public half. It
// says "matches", or why not, in words safe to print.
func (pub dkimPublic) matchRecord(value string) (bool, string) {
	tags := dkimTags(value)
	if v, ok := tags["v"]; ok && v != "DKIM1" {
		return false, fmt.Sprintf("record version %q is not DKIM1", v)
	}
	k := tags["k"]
	if k == "" {
		k = "rsa"
	}
	p, ok := tags["p"]
	switch {
	case !ok:
		return false, "record has no p= public key"
	case p == "":
		return false, "record revokes the key (empty p=)"
	case k != pub.k:
		return false, fmt.Sprintf("record is for a %s key, the key is %s", k, pub.k)
	case p == pub.p:
		return true, "matches"
	case k == "rsa" && dkimSamePKCS1(p, pub.p):
		return true, "matches"
	}
	return false, "record holds another public key"
}

// dkimSamePKCS1 accepts an RSA record in the bare RSAPublicKey form some
// tools publish (RFC 6376 erratum 3017).
func dkimSamePKCS1(recordP, spkiP string) bool {
	der, err := base64.StdEncoding.DecodeString(recordP)
	if err != nil {
		return false
	}
	got, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return false
	}
	der, _ = base64.StdEncoding.DecodeString(spkiP)
	want, err := x509.ParsePKIXPublicKey(der)
	return err == nil && got.Equal(want)
}

// errDKIMUnreadableKey never wraps the parser's error: it should carry no key
// material, but the private key's safety should not rest on that.
var errDKIMUnreadableKey = errors.New("holds no private key tend can read (want PEM: PKCS#8 RSA or Ed25519, or PKCS#1 RSA)")

// parseDKIMPrivateKey reads a PEM private key as opendkim-genkey (PKCS#1 with
// OpenSSL 1.1, PKCS#8 with 3.0) or openssl genpkey writes it.
func parseDKIMPrivateKey(b []byte) (crypto.Signer, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errDKIMUnreadableKey
	}
	switch blk.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
		if err != nil {
			return nil, errDKIMUnreadableKey
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if s, ok := k.(crypto.Signer); err == nil && ok && dkimSupportedKey(s) {
			return s, nil
		}
	}
	return nil, errDKIMUnreadableKey
}

func dkimSupportedKey(s crypto.Signer) bool {
	switch s.(type) {
	case *rsa.PrivateKey, ed25519.PrivateKey:
		return true
	}
	return false
}

// dkimAlgorithmOf names a key the way the algorithm attribute does.
func dkimAlgorithmOf(key crypto.Signer) string {
	if k, ok := key.(*rsa.PrivateKey); ok {
		return fmt.Sprintf("rsa-%d", k.N.BitLen())
	}
	return "ed25519"
}
