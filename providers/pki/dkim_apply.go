package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// Apply installs the key private_key gives, or generates a key when
// there is none (generate), or keeps the existing one; then writes the
// .txt file, sets the key's owner, group and mode and runs the
// self-test. Without private_key an existing key is never replaced.
func (r *dkimKey) Apply(ctx context.Context, c resources.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	uid, gid, err := r.ids()
	if err != nil {
		return err
	}
	if err := r.checkDir(); err != nil {
		return err
	}
	var key crypto.Signer
	switch {
	case r.given != nil:
		key, err = r.install(uid, gid)
	case c.Action == resources.Create:
		key, err = r.create(uid, gid)
	default:
		key, err = r.keep(uid, gid)
	}
	if err != nil {
		return err
	}
	if err := r.writeTxt(key, uid, gid); err != nil {
		return err
	}
	return r.selfTest(key)
}

func (r *dkimKey) ids() (int, int, error) {
	uid, err := managedfile.UserID(r.env, r.owner)
	if err != nil {
		return 0, 0, err
	}
	gid, err := managedfile.GroupID(r.env, r.group)
	return uid, gid, err
}

// checkDir refuses a missing directory and symlinks on the way to it
// (managedfile.CheckParents): writing through one could put the key
// outside the root.
func (r *dkimKey) checkDir() error {
	missing, err := managedfile.CheckParents(r.env, r.privateName())
	if err != nil {
		return fmt.Errorf("%s: %w", r.privateName(), err)
	}
	if missing != "" {
		return fmt.Errorf("directory %s does not exist; manage it with a file resource (ensure = \"directory\")", missing)
	}
	return nil
}

// create generates a key and writes it, private from the first byte and
// owned as configured before it is renamed into place.
func (r *dkimKey) create(uid, gid int) (crypto.Signer, error) {
	if !r.generate {
		return nil, r.errNoKey()
	}
	// The plan saw no key; one that appeared since is never replaced.
	if f, err := readDKIMFile(r.env, r.privateName()); err != nil || f != nil {
		return nil, fmt.Errorf("%s appeared since the plan; it is kept, not replaced (run again)", r.privateName())
	}
	key, err := generateDKIMKey(r.algorithm)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode the new key: %v", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	opts := atomicfile.Options{Mode: dkimPrivateMode, Owner: atomicfile.OwnedBy(uid, gid)}
	if err := atomicfile.WriteBeneath(r.env.Root, r.privateName(), data, opts); err != nil {
		return nil, err
	}
	return key, nil
}

func generateDKIMKey(algorithm string) (crypto.Signer, error) {
	switch algorithm {
	case "rsa-2048":
		return rsa.GenerateKey(rand.Reader, 2048)
	case "rsa-3072":
		return rsa.GenerateKey(rand.Reader, 3072)
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return nil, fmt.Errorf("unknown algorithm %q", algorithm)
}

// keep reads the existing key and gives it its owner, group and mode in
// place: its bytes are never rewritten.
func (r *dkimKey) keep(uid, gid int) (crypto.Signer, error) {
	f, err := readDKIMFile(r.env, r.privateName())
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, fmt.Errorf("%s disappeared since the plan", r.privateName())
	}
	key, err := parseDKIMPrivateKey(f.data)
	if err != nil {
		return nil, fmt.Errorf("%s %v", r.privateName(), err)
	}
	d, err := atomicfile.OpenDir(r.env.Root, filepath.Dir(r.privateName()))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if f.uid == uid {
		uid = -1
	}
	if f.gid == gid {
		gid = -1
	}
	// Mode after chown, which may clear mode bits.
	return key, d.SetOwnerMode(filepath.Base(r.privateName()), uid, gid, dkimPrivateMode)
}

// writeTxt writes the record file unless it already holds exactly what
// would be written.
func (r *dkimKey) writeTxt(key crypto.Signer, uid, gid int) error {
	want, err := r.recordFor(key)
	if err != nil {
		return err
	}
	if old, err := readDKIMFile(r.env, r.txtName()); err == nil && old != nil && bytes.Equal(old.data, want) {
		return nil
	}
	return atomicfile.WriteBeneath(r.env.Root, r.txtName(), want, atomicfile.Options{Mode: dkimTxtMode, Owner: atomicfile.OwnedBy(uid, gid)})
}

// dkimTestMessage is what the self-test signs: fixed, so a failure
// reproduces.
const dkimTestMessage = "From: tend <dkim-self-test@%[1]s>\r\n" +
	"To: tend <dkim-self-test@%[1]s>\r\n" +
	"Subject: dkim_key self-test\r\n" +
	"Date: Thu, 01 Jan 2015 00:00:00 +0000\r\n" +
	"Message-ID: <dkim-self-test@%[1]s>\r\n" +
	"\r\n" +
	"A message signed with the private key must verify against the record.\r\n"

// selfTest signs the fixed message with the key and verifies it with
// go-msgauth against the record parsed back from the written .txt file,
// as a receiving server would against DNS. Its errors name no key
// material.
func (r *dkimKey) selfTest(key crypto.Signer) error {
	f, err := readDKIMFile(r.env, r.txtName())
	if err != nil || f == nil {
		return fmt.Errorf("self-test: cannot read %s back: %v", r.txtName(), err)
	}
	rec, err := parseDKIMRecordFile(f.data)
	if err != nil {
		return fmt.Errorf("self-test: %s: %v", r.txtName(), err)
	}
	return dkimSignVerify(key, r.selector, r.domain, rec.value)
}

func dkimSignVerify(key crypto.Signer, selector, domain, record string) error {
	msg := fmt.Sprintf(dkimTestMessage, domain)
	var signed bytes.Buffer
	opts := &dkim.SignOptions{Domain: domain, Selector: selector, Signer: key}
	if err := dkim.Sign(&signed, strings.NewReader(msg), opts); err != nil {
		return fmt.Errorf("self-test: signing with the key failed: %v", err)
	}
	name := selector + "._domainkey." + domain
	lookup := func(q string) ([]string, error) {
		if q != name {
			return nil, fmt.Errorf("self-test looked up %s, want %s", q, name)
		}
		return []string{record}, nil
	}
	vs, err := dkim.VerifyWithOptions(&signed, &dkim.VerifyOptions{LookupTXT: lookup})
	switch {
	case err != nil:
		return fmt.Errorf("self-test: verification failed: %v", err)
	case len(vs) != 1:
		return fmt.Errorf("self-test: %d signatures found, want 1", len(vs))
	case vs[0].Err != nil:
		return fmt.Errorf("self-test failed: a message signed with %s.private does not verify against %s.txt: %v", selector, selector, vs[0].Err)
	}
	return nil
}

// Verify reads and plans again, then repeats the self-test on what is on
// disk now.
func (r *dkimKey) Verify(ctx context.Context) error {
	if err := resources.Converged(ctx, r, r.privateName()); err != nil {
		return err
	}
	f, err := readDKIMFile(r.env, r.privateName())
	if err != nil || f == nil {
		return fmt.Errorf("%s is missing after apply", r.privateName())
	}
	key, err := parseDKIMPrivateKey(f.data)
	if err != nil {
		return fmt.Errorf("%s %v", r.privateName(), err)
	}
	return r.selfTest(key)
}

// TempDirs is the key directory, where both files are written.
func (r *dkimKey) TempDirs() []string { return []string{r.dir} }

// Sweep removes what killed runs left in dir (resources.Sweeper).
func (r *dkimKey) Sweep(dir string) (int, error) { return managedfile.SweepDir(r.env, dir) }
