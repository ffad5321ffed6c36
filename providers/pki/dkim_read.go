package pki

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
)

// dkimPrivateMode is the private key's mode: opendkim refuses keys others
// can read.
const dkimPrivateMode fs.FileMode = 0o600

// dkimTxtMode is the record file's: it holds only the public key.
const dkimTxtMode fs.FileMode = 0o644

// dkimKey is one bound dkim_key resource. The engine calls it from one
// goroutine at a time.
type dkimKey struct {
	dkimSpec
	env resources.Env
	// lookupTXT answers DNS TXT queries for dns_check; tests replace it
	// only to inject faults.
	lookupTXT func(ctx context.Context, name string) ([]string, error)
}

func newDKIMKey(s dkimSpec, env resources.Env) *dkimKey {
	r := &dkimKey{
		dkimSpec: s,
		env:      env,
	}
	r.lookupTXT = r.dnsLookup
	return r
}

// privateName and txtName are what messages call the files.
func (r *dkimKey) privateName() string { return dkimPrivatePath(r.dir, r.selector) }
func (r *dkimKey) txtName() string     { return filepath.Join(r.dir, r.selector+".txt") }

// dkimFile is one key file as one open saw it; data is nil when absent.
type dkimFile struct {
	data     []byte
	mode     fs.FileMode
	uid, gid int
}

// readDKIMFile reads a regular file without following a final symlink
// (files.ReadRegular); a missing file, or one under a missing directory,
// is nil.
func readDKIMFile(env resources.Env, path string) (*dkimFile, error) {
	data, fi, err := managedfile.ReadRegular(env, path, 1<<20)
	if errors.Is(err, syscall.ENOTDIR) || (err == nil && fi == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st := fi.Sys().(*syscall.Stat_t)
	return &dkimFile{data: data, mode: fi.Mode().Perm(), uid: int(st.Uid), gid: int(st.Gid)}, nil
}

// Read observes both files and, with dns_check, the published record. It
// changes nothing. State holds digests and words, never key material.
func (r *dkimKey) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := resources.State{"key": "absent", "txt": "absent"}
	key, err := r.readKey(st)
	if err != nil {
		return nil, err
	}
	var pub *dkimPublic
	if key != nil {
		p, err := dkimPublicOf(key)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", r.privateName(), err)
		}
		pub = &p
	}
	if err := r.readTxt(st, pub); err != nil {
		return nil, err
	}
	if r.dnsCheck {
		// DNS must serve the key the run leaves: the given one, when set.
		if r.given != nil {
			pub = &r.given.pub
		}
		st["dns"] = r.readDNS(ctx, pub)
	}
	st["dns_matches"] = strconv.FormatBool(st["dns"] == "matches")
	return st, nil
}

// readKey records the private key's algorithm, the fingerprint of its
// public half, its digest, owner, group and mode, and returns the key;
// nil when there is none. A file holding no key it can read is an error,
// unless private_key is given: then it is "unreadable", to be replaced.
func (r *dkimKey) readKey(st resources.State) (crypto.Signer, error) {
	f, err := readDKIMFile(r.env, r.privateName())
	if err != nil || f == nil {
		return nil, err
	}
	key, err := parseDKIMPrivateKey(f.data)
	switch {
	case err != nil && r.given == nil:
		return nil, fmt.Errorf("%s %v", r.privateName(), err)
	case err != nil:
		st["key"] = "unreadable"
	default:
		st["key"] = dkimAlgorithmOf(key)
		st["fingerprint"] = dkimFingerprint(key)
	}
	st["key_sha256"] = dkimSum(f.data)
	st["owner"] = managedfile.UserName(r.env, f.uid)
	st["group"] = managedfile.GroupName(r.env, f.gid)
	st["mode"] = fmt.Sprintf("%04o", f.mode)
	return key, nil
}

// readTxt records whether SELECTOR.txt holds the key's public half:
// "matches", "differs (why)" or "unreadable (why)".
func (r *dkimKey) readTxt(st resources.State, pub *dkimPublic) error {
	f, err := readDKIMFile(r.env, r.txtName())
	if err != nil || f == nil {
		return err
	}
	st["txt_sha256"] = dkimSum(f.data)
	rec, err := parseDKIMRecordFile(f.data)
	switch {
	case err != nil:
		st["txt"] = "unreadable (" + err.Error() + ")"
	case pub == nil:
		st["txt"] = "differs (there is no key)"
	default:
		if ok, why := pub.matchRecord(rec.value); ok {
			st["txt"] = "matches"
		} else {
			st["txt"] = "differs (" + why + ")"
		}
	}
	return nil
}

func dkimSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Plan says what Apply would do. With private_key, the key file must hold
// exactly that key; otherwise a key is only ever created (with generate),
// an existing one is kept, and a missing one without generate is an
// error. The .txt, owner, group and mode are brought in line with the
// key. What DNS serves is reported, and never makes a change.
func (r *dkimKey) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	c, err := r.plan(ctx, st)
	c.Missing = managedfile.MissingAccounts(r.env, r.accounts...)
	if err == nil && c.Action != resources.NoOp {
		c.MissingPaths, err = managedfile.MissingParents(r.env, filepath.Join(r.dir, r.selector+".private"))
	}
	return c, err
}

func (r *dkimKey) plan(ctx context.Context, st resources.State) (resources.Change, error) {
	if err := ctx.Err(); err != nil {
		return resources.Change{}, err
	}
	switch {
	case r.given != nil && st["key_sha256"] != dkimSum(r.given.pem):
		return r.planInstall(st)
	case st["key"] == "absent" && r.generate:
		return r.planCreate(st), nil
	case st["key"] == "absent":
		return resources.Change{}, r.errNoKey()
	}
	return r.planKeep(st)
}

// planKeep plans keeping the key on disk, which is the configured one
// when private_key is given: its .txt, owner, group and mode are brought
// in line.
func (r *dkimKey) planKeep(st resources.State) (resources.Change, error) {
	c := resources.Change{Action: resources.Update}
	var reasons []string
	if st["txt"] != "matches" {
		reasons = append(reasons, r.txtName()+" "+txtProblem(st["txt"])+": rewritten from the existing key, which is kept")
		key, err := r.diskKey()
		if err != nil {
			return resources.Change{}, err
		}
		if c.Content, err = r.txtDiff(key); err != nil {
			return resources.Change{}, err
		}
	}
	c.Attrs = r.ownership(st)
	for _, a := range c.Attrs {
		reasons = append(reasons, a.Name+" of "+r.privateName()+" differs")
	}
	if len(reasons) == 0 {
		c.Action = resources.NoOp
		reasons = append(reasons, fmt.Sprintf("%s key and %s match", st["key"], r.txtName()))
	}
	// algorithm only ever applies to a key generate makes.
	if r.generate && st["key"] != r.algorithm {
		c.Warnings = append(c.Warnings, fmt.Sprintf("the existing %s key is kept: algorithm %q applies to a new key only", st["key"], r.algorithm))
	}
	c.Warnings = append(c.Warnings, r.dnsWarnings(st)...)
	c.Reason = strings.Join(reasons, "; ")
	return c, nil
}

func txtProblem(s string) string {
	if s == "absent" {
		return "does not exist"
	}
	return s
}

func (r *dkimKey) planCreate(st resources.State) resources.Change {
	reasons := []string{fmt.Sprintf("%s does not exist: a new %s key will be generated", r.privateName(), r.algorithm)}
	if st["txt"] != "absent" {
		reasons = append(reasons, r.txtName()+" will be replaced")
	}
	attrs := append([]resources.AttrChange{resources.NewAttrChange("key", "", r.algorithm, false)}, r.newOwnership()...)
	return resources.Change{Action: resources.Create, Reason: strings.Join(reasons, "; "), Attrs: attrs, Warnings: r.dnsWarnings(st)}
}

// ownership lists the private key's owner, group and mode where they
// differ from the configured ones.
func (r *dkimKey) ownership(st resources.State) []resources.AttrChange {
	var out []resources.AttrChange
	for _, a := range [][2]string{
		{"owner", r.canonical(r.owner, managedfile.UserName)},
		{"group", r.canonical(r.group, managedfile.GroupName)},
		{"mode", fmt.Sprintf("%04o", dkimPrivateMode)},
	} {
		if st[a[0]] != a[1] {
			out = append(out, resources.NewAttrChange(a[0], st[a[0]], a[1], false))
		}
	}
	return out
}

// canonical is how a configured owner or group compares with State:
// numeric ids show as names when the root knows them.
func (r *dkimKey) canonical(v string, name func(resources.Env, int) string) string {
	if n, numeric, err := resources.ParseAccountID(v); numeric && err == nil {
		return name(r.env, int(n))
	}
	return v
}

// dnsWarnings reports a published record that does not match the key.
// It is for people, shown even when nothing changes; Apply ignores it.
func (r *dkimKey) dnsWarnings(st resources.State) []string {
	d, ok := st["dns"]
	if !ok || d == "matches" {
		return nil
	}
	what := "the published record must be replaced"
	switch {
	case d == "missing":
		what = "the record must be published"
	case strings.HasPrefix(d, "unknown"):
		what = "the published record could not be checked"
	}
	return []string{fmt.Sprintf("dns: %s._domainkey.%s %s: %s", r.selector, r.domain, d, what)}
}

// diskKey reads the key on disk again, for the plan.
func (r *dkimKey) diskKey() (crypto.Signer, error) {
	f, err := readDKIMFile(r.env, r.privateName())
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, fmt.Errorf("%s disappeared while planning", r.privateName())
	}
	key, err := parseDKIMPrivateKey(f.data)
	if err != nil {
		return nil, fmt.Errorf("%s %v", r.privateName(), err)
	}
	return key, nil
}

// txtDiff shows how the .txt file will change to hold key's record; nil
// when it already does. It holds only the public key, but a file that
// somehow holds a private key is masked.
func (r *dkimKey) txtDiff(key crypto.Signer) (*resources.ContentDiff, error) {
	old, err := readDKIMFile(r.env, r.txtName())
	if err != nil {
		return nil, err
	}
	want, err := r.recordFor(key)
	if err != nil {
		return nil, err
	}
	var oldData []byte
	if old != nil {
		oldData = old.data
	}
	if bytes.Equal(oldData, want) {
		return nil, nil
	}
	sensitive := strings.Contains(string(oldData), "PRIVATE KEY")
	return resources.DiffText(r.txtName(), oldData, want, sensitive), nil
}

// recordFor renders the .txt file for key.
func (r *dkimKey) recordFor(key crypto.Signer) ([]byte, error) {
	pub, err := dkimPublicOf(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", r.privateName(), err)
	}
	return formatDKIMRecord(r.selector, r.domain, pub.k, pub.p), nil
}
