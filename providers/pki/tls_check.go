package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// parseTLSCerts reads every CERTIFICATE block of a PEM text; anything else in
// it is an error. Errors name blocks by position and type, never quote
// their content.
func parseTLSCerts(text []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := text
	for n := 1; ; n++ {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d is a %q, want CERTIFICATE", n, b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d does not parse: %w", n, err)
		}
		out = append(out, c)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("text after the last PEM certificate is not a certificate")
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	return out, nil
}

// parseTLSKey reads one PEM private key: PKCS#1 RSA, SEC 1 EC or PKCS#8
// (RSA, ECDSA, Ed25519). Errors never wrap the parser's, so they cannot
// carry key bytes.
func parseTLSKey(text []byte) (crypto.Signer, error) {
	rest := text
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		switch {
		case b == nil:
			return nil, errors.New("no PEM private key found")
		case b.Type == "EC PARAMETERS":
			continue
		case b.Type == "ENCRYPTED PRIVATE KEY" || b.Headers["Proc-Type"] != "":
			return nil, errors.New("the private key is encrypted; tend needs it unencrypted")
		}
		var k any
		var err error
		switch b.Type {
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		default:
			return nil, fmt.Errorf("PEM block is a %q, want a private key", b.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("the %s block does not parse", b.Type)
		}
		switch k := k.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
			return k.(crypto.Signer), nil
		}
		return nil, errors.New("unsupported private key type (want RSA, ECDSA or Ed25519)")
	}
}

// check runs every test a pair must pass before it is installed, in a
// fixed order, and names the first failure precisely.
func (s *tlsSpec) check(now time.Time) error {
	leaf := s.certs[0]
	pub, ok := s.key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return fmt.Errorf("the key does not match the leaf certificate (%s, serial %s)", tlsName(leaf), tlsSerial(leaf))
	}
	if err := s.checkOrder(); err != nil {
		return err
	}
	for _, c := range s.certs {
		if now.After(c.NotAfter) {
			return fmt.Errorf("expired: %s not after %s", tlsName(c), tlsStamp(c.NotAfter))
		}
		if now.Before(c.NotBefore) {
			return fmt.Errorf("not yet valid: %s not before %s", tlsName(c), tlsStamp(c.NotBefore))
		}
	}
	for _, n := range s.names {
		if leaf.VerifyHostname(n) != nil {
			return fmt.Errorf("names: %s is not covered (the leaf covers %s)", n, tlsCovered(leaf))
		}
	}
	return nil
}

// checkOrder checks that each certificate is signed by the next, and the
// last by the configured root or by something outside the chain.
func (s *tlsSpec) checkOrder() error {
	for i := 0; i+1 < len(s.certs); i++ {
		c, next := s.certs[i], s.certs[i+1]
		if c.CheckSignatureFrom(next) == nil {
			continue
		}
		if j := s.indexOf(c.RawIssuer); j < 0 && s.root == nil {
			return fmt.Errorf("incomplete chain: %s is issued by %s, which is not in the chain", tlsName(c), tlsDN(c.Issuer.String()))
		} else if j < 0 && !bytes.Equal(c.RawIssuer, s.root.RawSubject) {
			return fmt.Errorf("incomplete chain: %s is issued by %s, which is neither in the chain nor the configured root", tlsName(c), tlsDN(c.Issuer.String()))
		}
		return fmt.Errorf("chain out of order: certificate %d (%s) does not sign certificate %d (%s)", i+2, tlsName(next), i+1, tlsName(c))
	}
	last := s.certs[len(s.certs)-1]
	if s.root != nil {
		if last.CheckSignatureFrom(s.root) == nil || bytes.Equal(last.Raw, s.root.Raw) {
			return nil
		}
		if !bytes.Equal(last.RawIssuer, s.root.RawSubject) {
			return fmt.Errorf("incomplete chain: %s is issued by %s, which is neither in the chain nor the configured root", tlsName(last), tlsDN(last.Issuer.String()))
		}
		return fmt.Errorf("the configured root (%s) does not sign %s", tlsName(s.root), tlsName(last))
	}
	if len(s.certs) > 1 && s.indexOf(last.RawIssuer) >= 0 && !bytes.Equal(last.RawIssuer, last.RawSubject) {
		return fmt.Errorf("chain out of order: %s, the last certificate, is issued by %s, which comes earlier in the chain", tlsName(last), tlsDN(last.Issuer.String()))
	}
	return nil
}

// indexOf finds the chain certificate with that subject; -1 when none.
func (s *tlsSpec) indexOf(rawSubject []byte) int {
	for i, c := range s.certs {
		if bytes.Equal(c.RawSubject, rawSubject) {
			return i
		}
	}
	return -1
}

func tlsName(c *x509.Certificate) string { return tlsDN(c.Subject.String()) }

// dn shows an empty distinguished name as something readable.
func tlsDN(s string) string {
	if s == "" {
		return "(empty subject)"
	}
	return s
}

func tlsSerial(c *x509.Certificate) string { return fmt.Sprintf("%X", c.SerialNumber) }

func tlsStamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// sans lists the leaf's subject alternative names, as VerifyHostname
// matches them (the common name does not count).
func tlsSANs(c *x509.Certificate) []string {
	out := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, net.IP(ip).String())
	}
	return out
}

func tlsCovered(c *x509.Certificate) string {
	if s := tlsSANs(c); len(s) > 0 {
		return strings.Join(s, ", ")
	}
	return "no names: it has no subjectAltName"
}
