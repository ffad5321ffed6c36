package pki

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// dkimGiven is the key private_key holds: what the key file must contain,
// byte for byte, and the key itself.
type dkimGiven struct {
	// pem is the key as it is written: its one PEM block, re-encoded
	// without headers, so that spacing or line endings of the configured
	// text do not count as a different key.
	pem []byte
	key crypto.Signer
	pub dkimPublic
}

// dkimMinRSABits is the smallest RSA key accepted: RFC 8301 forbids
// smaller ones for signing, and Go refuses to sign with them.
const dkimMinRSABits = 1024

// parseDKIMGiven checks the configured key. Its errors say what is wrong
// in words, never with any part of the text.
func parseDKIMGiven(text []byte) (*dkimGiven, error) {
	blk, rest := pem.Decode(text)
	if blk == nil {
		return nil, errDKIMUnreadableKey
	}
	if len(bytes.TrimSpace(rest)) > 0 || !bytes.HasPrefix(bytes.TrimSpace(text), []byte("-----BEGIN ")) {
		return nil, errors.New("must hold one PEM private key and nothing else")
	}
	if len(blk.Headers) > 0 {
		return nil, errors.New("holds an encrypted or annotated PEM key: give the key unencrypted (decrypt() keeps it encrypted in the repository)")
	}
	data := pem.EncodeToMemory(&pem.Block{Type: blk.Type, Bytes: blk.Bytes})
	key, err := parseDKIMPrivateKey(data)
	if err != nil {
		return nil, err
	}
	if k, ok := key.(*rsa.PrivateKey); ok && k.N.BitLen() < dkimMinRSABits {
		return nil, fmt.Errorf("is an RSA key of %d bits: DKIM needs at least %d (RFC 8301), 2048 is usual", k.N.BitLen(), dkimMinRSABits)
	}
	pub, err := dkimPublicOf(key)
	if err != nil {
		return nil, errDKIMUnreadableKey
	}
	return &dkimGiven{pem: data, key: key, pub: pub}, nil
}

// dkimFingerprint names a key by its public half, as ssh-keygen -l does:
// SHA256 and the unpadded base64 of the SHA-256 of the DER
// SubjectPublicKeyInfo. It tells nothing of the private key.
func dkimFingerprint(key crypto.Signer) string {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return "SHA256:?"
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// dkimLabel is how plans show a key: algorithm and fingerprint.
func dkimLabel(key crypto.Signer) string {
	return dkimAlgorithmOf(key) + " " + dkimFingerprint(key)
}

// planInstall plans writing the given key over what the key file holds
// (nothing, something unreadable, another key, or this key spelled
// differently), and the .txt derived from it.
func (r *dkimKey) planInstall(st resources.State) (resources.Change, error) {
	c := resources.Change{Action: resources.Update}
	old, why := st["key"]+" "+st["fingerprint"], "holds another key: replaced by the key private_key gives"
	switch {
	case st["key"] == "absent":
		c.Action, old, why = resources.Create, "", "does not exist: the key private_key gives is installed"
	case st["key"] == "unreadable":
		old, why = "unreadable", "holds no key tend can read: replaced by the key private_key gives"
	case st["fingerprint"] == dkimFingerprint(r.given.key):
		why = "holds the key private_key gives, encoded differently: rewritten as given"
	}
	reasons := []string{r.privateName() + " " + why}
	c.Attrs = []resources.AttrChange{resources.NewAttrChange("key", old, dkimLabel(r.given.key), false)}
	if c.Action == resources.Create {
		c.Attrs = append(c.Attrs, r.newOwnership()...)
	} else {
		c.Attrs = append(c.Attrs, r.ownership(st)...)
	}
	d, err := r.txtDiff(r.given.key)
	if err != nil {
		return resources.Change{}, err
	}
	if d != nil {
		c.Content = d
		reasons = append(reasons, r.txtName()+" is written from it")
	}
	c.Reason = strings.Join(reasons, "; ")
	c.Warnings = r.dnsWarnings(st)
	return c, nil
}

// newOwnership is what a key file about to be created gets.
func (r *dkimKey) newOwnership() []resources.AttrChange {
	return []resources.AttrChange{
		resources.NewAttrChange("owner", "", r.canonical(r.owner, managedfile.UserName), false),
		resources.NewAttrChange("group", "", r.canonical(r.group, managedfile.GroupName), false),
		resources.NewAttrChange("mode", "", fmt.Sprintf("%04o", dkimPrivateMode), false),
	}
}

// install makes the key file hold exactly the given key: written
// atomically, private from the first byte and owned as configured before
// it is renamed into place; when it already does, only its owner, group
// and mode are set.
func (r *dkimKey) install(uid, gid int) (crypto.Signer, error) {
	f, err := readDKIMFile(r.env, r.privateName())
	if err != nil {
		return nil, err
	}
	if f != nil && bytes.Equal(f.data, r.given.pem) {
		return r.keep(uid, gid)
	}
	opts := atomicfile.Options{Mode: dkimPrivateMode, Owner: atomicfile.OwnedBy(uid, gid)}
	if err := atomicfile.WriteBeneath(r.env.Root, r.privateName(), r.given.pem, opts); err != nil {
		return nil, err
	}
	return r.given.key, nil
}

// errNoKey is the plan's error when there is no key and nothing says
// where one comes from.
func (r *dkimKey) errNoKey() error {
	return fmt.Errorf("%s: %s does not exist and no key is configured: set private_key to the key kept in the repository "+
		"(decrypt() of its age-encrypted text), or generate = true to generate a new one here (its record must then be published)",
		r.addr, r.privateName())
}
