package pki

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
)

// certificate is one bound tls_certificate resource.
type tlsCertificate struct {
	spec tlsSpec
	env  resources.Env
	// now is the clock the checks use; tests move it.
	now func() time.Time
}

// tlsFileState is what Read found at one path.
type tlsFileState struct {
	exists       bool
	data         []byte
	uid, gid     int
	mode         fs.FileMode
	owner, group string
}

// Read observes both files: digest, owner, group, mode, and what the
// installed chain's leaf says. The key file's content only ever becomes a
// digest. It changes nothing.
func (r *tlsCertificate) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := resources.State{}
	for _, t := range []struct {
		prefix string
		tg     tlsTarget
	}{{"chain", r.spec.chainFile}, {"key", r.spec.keyFile}} {
		fsd, err := r.observe(t.tg)
		if err != nil {
			return nil, err
		}
		if !fsd.exists {
			continue
		}
		sum := sha256.Sum256(fsd.data)
		st[t.prefix+"_sha256"] = hex.EncodeToString(sum[:])
		st[t.prefix+"_owner"], st[t.prefix+"_group"] = fsd.owner, fsd.group
		st[t.prefix+"_mode"] = fmt.Sprintf("%04o", fsd.mode)
		if t.prefix == "chain" {
			tlsDescribeInstalled(st, fsd.data)
		}
	}
	return st, nil
}

// tlsDescribeInstalled records what the installed chain's leaf says, for the
// plan's old values. A chain that does not parse simply has none.
func tlsDescribeInstalled(st resources.State, data []byte) {
	certs, err := parseTLSCerts(data)
	if err != nil {
		return
	}
	for k, v := range tlsDescribe(certs) {
		st[k] = v
	}
}

// describe is what a plan shows of a chain: never anything secret.
func tlsDescribe(certs []*x509.Certificate) map[string]string {
	leaf := certs[0]
	sum := sha256.Sum256(leaf.Raw)
	return map[string]string{
		"subject":            tlsName(leaf),
		"names":              strings.Join(tlsSANs(leaf), ", "),
		"issuer":             tlsDN(leaf.Issuer.String()),
		"not_after":          tlsStamp(leaf.NotAfter),
		"fingerprint_sha256": hex.EncodeToString(sum[:]),
		"chain_length":       strconv.Itoa(len(certs)),
	}
}

// observe reads one file through one descriptor (files.ReadRegular), so
// owner, mode and content describe the same inode. Anything but a regular
// file is an error: tend does not write through or over it.
func (r *tlsCertificate) observe(t tlsTarget) (tlsFileState, error) {
	data, fi, err := managedfile.ReadRegular(r.env, t.path, 0)
	if err != nil || fi == nil {
		return tlsFileState{}, err
	}
	o := tlsFileState{exists: true, data: data, mode: fi.Mode().Perm(), uid: -1, gid: -1}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		o.uid, o.gid = int(sys.Uid), int(sys.Gid)
	}
	o.owner, o.group = managedfile.UserName(r.env, o.uid), managedfile.GroupName(r.env, o.gid)
	return o, nil
}
