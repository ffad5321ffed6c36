package fidelity

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// emailSeedPath is the documented email host, as the project keeps it.
const emailSeedPath = "../seeds/email-host.txt"

// emailCertificates are the certificates of the seed's
// "Keys and X.509 certificates" that the example installs, by the file
// stem data/nodes/email.hcl reads them from.
var emailCertificates = map[string][]string{
	"email.cacert.org":     {"email.cacert.org"},
	"community.cacert.org": {"community.cacert.org"},
}

// emailHost builds the example's email catalog in a copy of the example
// whose secrets/ holds throwaway certificates for the documented names,
// so the certificates are managed as on the documented host.
func emailHost(t *testing.T) *host {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo")
	if err := os.CopyFS(repo, os.DirFS("../example")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(repo, "secrets")); err != nil {
		t.Fatal(err)
	}
	for stem, names := range emailCertificates {
		base := filepath.Join(repo, "secrets", stem)
		if err := scratchroot.WriteCertificate(base+".chain.pem", base+".key.pem", names); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := scratchroot.Load(repo, "email", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot(cat)
}

// check verifies one item the seed states. inject, when set, adds to a
// host what the check must refuse: a check that looks for what the seed
// does not have cannot be failed by taking something away.
type check struct {
	name   string
	run    func(p *probe)
	inject func(h *host)
}

func (c check) probe(h *host) *probe {
	p := &probe{h: h}
	c.run(p)
	return p
}

// emailChecks are the checks of every item the seed states, the
// deviations' included.
func emailChecks(t *testing.T) []check {
	t.Helper()
	seed := seedLines(t, emailSeedPath)
	var out []check
	for _, group := range [][]check{portChecks(t, seed), serviceChecks(t, seed), databaseChecks(t, seed),
		certificateChecks(t, seed), postfixChecks(t, seed), aliasChecks(t, seed), storageChecks(t, seed),
		sshChecks(t, seed), packageChecks(t), {dkimCheck(t, seed)}, deviationChecks()} {
		out = append(out, group...)
	}
	return out
}

// TestEmail checks the example's email node against every configuration
// item its seed states: one subtest an item.
func TestEmail(t *testing.T) {
	h := emailHost(t)
	for _, c := range emailChecks(t) {
		t.Run(c.name, func(t *testing.T) {
			for _, msg := range c.probe(h).problems {
				t.Error(msg)
			}
		})
	}
}

// TestEmailMutations takes away, one at a time, everything each check
// relied on (a resource, or one line of a file) and requires the check to
// fail; a check with an inject must fail on the host with it added. A
// check that fails on the example already is skipped: TestEmail reports
// it.
func TestEmailMutations(t *testing.T) {
	h := emailHost(t)
	for _, c := range emailChecks(t) {
		t.Run(c.name, func(t *testing.T) {
			p := c.probe(h)
			if len(p.problems) > 0 {
				t.Skip("the check fails on the example (see TestEmail); its mutations are tried once it passes")
			}
			if len(p.evidence) == 0 && c.inject == nil {
				t.Fatal("the check relied on nothing: no mutation can fail it")
			}
			for _, e := range p.evidence {
				if len(c.probe(h.without(e)).problems) == 0 {
					t.Errorf("without %s the check still passes", e)
				}
			}
			if c.inject != nil {
				m := h.clone()
				c.inject(m)
				if len(c.probe(m).problems) == 0 {
					t.Error("the check passes on the host with its injected mutation")
				}
			}
		})
	}
}

// TestEmailDeviationsDocumented: the README explains every deviation the
// test allows.
func TestEmailDeviationsDocumented(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, d := range deviations {
		if !slices.Contains(items, d.item) && !strings.Contains(string(b), "`"+d.item+"`") {
			t.Errorf("README.md does not explain the deviation %q (%s)", d.item, d.reason)
		}
		items = append(items, d.item)
	}
}
