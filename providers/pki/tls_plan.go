package pki

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
)

// tlsShownFacts are the leaf's facts a plan shows, in order.
var tlsShownFacts = []string{"subject", "names", "issuer", "not_after", "fingerprint_sha256", "chain_length"}

func (r *tlsCertificate) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}

// Plan checks the configured pair, then compares both files with it. A
// failed check is an error, so nothing is applied. An installed pair that
// does not match (a run killed between the two renames) is just an Update.
func (r *tlsCertificate) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	if err := ctx.Err(); err != nil {
		return resources.Change{}, err
	}
	now := r.clock()
	if err := r.spec.check(now); err != nil {
		return resources.Change{}, err
	}
	var c resources.Change
	var why []string
	chainNew := st["chain_sha256"] == ""
	if tlsSum(r.spec.chainFile.data) != st["chain_sha256"] {
		c.Attrs = append(c.Attrs, r.chainAttrs(st)...)
		why = append(why, tlsMissingOr(chainNew, "chain file does not exist", "chain differs"))
	}
	if tlsSum(r.spec.keyFile.data) != st["key_sha256"] {
		old := ""
		if st["key_sha256"] != "" {
			old = "old"
		}
		c.Attrs = append(c.Attrs, resources.NewAttrChange("key", old, "new", true))
		why = append(why, tlsMissingOr(old == "", "key file does not exist", "key differs"))
	}
	for _, f := range []struct {
		prefix string
		t      tlsTarget
	}{{"chain", r.spec.chainFile}, {"key", r.spec.keyFile}} {
		a, w := r.metaAttrs(st, f.prefix, f.t)
		c.Attrs, why = append(c.Attrs, a...), append(why, w...)
	}
	switch {
	case chainNew && st["key_sha256"] == "":
		c.Action = resources.Create
	case len(c.Attrs) > 0:
		c.Action = resources.Update
	}
	if w := r.expiryWarning(now); w != "" {
		c.Warnings = []string{w}
	}
	c.Reason = strings.Join(why, "; ")
	for _, t := range []tlsTarget{r.spec.chainFile, r.spec.keyFile} {
		c.Missing = append(c.Missing, managedfile.MissingAccounts(r.env, t.accounts...)...)
	}
	if c.Action != resources.NoOp {
		needs, err := managedfile.MissingParents(r.env, r.spec.chainFile.path, r.spec.keyFile.path)
		if err != nil {
			return resources.Change{}, err
		}
		c.MissingPaths = needs
	}
	return c, nil
}

// chainAttrs shows how the leaf changes; when the leaf stays and only the
// rest of the chain (or its spelling) changes, the digest shows it.
func (r *tlsCertificate) chainAttrs(st resources.State) []resources.AttrChange {
	want := tlsDescribe(r.spec.certs)
	var out []resources.AttrChange
	for _, k := range tlsShownFacts {
		if st[k] != want[k] {
			out = append(out, resources.NewAttrChange(k, st[k], want[k], false))
		}
	}
	if len(out) == 0 {
		out = append(out, resources.NewAttrChange("chain_sha256", st["chain_sha256"], tlsSum(r.spec.chainFile.data), false))
	}
	return out
}

// metaAttrs compares one file's owner, group and mode. For a file still
// to be created it shows what it will get.
func (r *tlsCertificate) metaAttrs(st resources.State, prefix string, t tlsTarget) ([]resources.AttrChange, []string) {
	want := map[string]string{
		"_owner": r.canonical(t.owner, managedfile.UserName),
		"_group": r.canonical(t.group, managedfile.GroupName),
		"_mode":  fmt.Sprintf("%04o", t.mode),
	}
	var out []resources.AttrChange
	var why []string
	for _, k := range []string{"_owner", "_group", "_mode"} {
		old := st[prefix+k]
		if want[k] == "" || old == want[k] {
			continue
		}
		out = append(out, resources.NewAttrChange(prefix+k, old, want[k], false))
		if old != "" {
			why = append(why, prefix+k+" differs")
		}
	}
	return out, why
}

// canonical shows a configured numeric id as the name the root gives it,
// as State does; names stay as written.
func (r *tlsCertificate) canonical(v string, lookup func(resources.Env, int) string) string {
	if n, numeric, err := resources.ParseAccountID(v); numeric && err == nil {
		return lookup(r.env, int(n))
	}
	return v
}

// expiryWarning says how soon the leaf expires when that is within the
// configured window; plans show it even when nothing changes.
func (r *tlsCertificate) expiryWarning(now time.Time) string {
	left := r.spec.certs[0].NotAfter.Sub(now)
	if left > time.Duration(r.spec.warnDays)*24*time.Hour {
		return ""
	}
	days := int(left / (24 * time.Hour))
	return fmt.Sprintf("the certificate expires in %d days (%s)", days, tlsStamp(r.spec.certs[0].NotAfter))
}

func tlsMissingOr(missing bool, ifMissing, otherwise string) string {
	if missing {
		return ifMissing
	}
	return otherwise
}

func tlsSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
