package fidelity

import (
	"os"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// exampleHost builds node's catalog in a copy of the example with
// throwaway keys given as the example keeps them (giveKeys), with what
// observed says of the host.
func exampleHost(t *testing.T, node string, observed map[string]resources.State) *host {
	t.Helper()
	repo := exampleCopy(t)
	giveKeys(t, repo)
	cat, err := scratchroot.Load(repo, node, t.TempDir(), observed)
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

// runChecks runs each check on h as a subtest of its own.
func runChecks(t *testing.T, h *host, checks []check) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			for _, msg := range c.probe(h).problems {
				t.Error(msg)
			}
		})
	}
}

// runMutations takes away, one at a time, everything each check relied
// on (a resource, or one line of a file) and requires the check to fail;
// a check with an inject must fail on the host with it added. A check
// that fails on h already is skipped: runChecks reports it.
func runMutations(t *testing.T, h *host, checks []check) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			p := c.probe(h)
			if len(p.problems) > 0 {
				t.Skip("the check fails on the example (see the host's test); its mutations are tried once it passes")
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

// TestDeviationsDocumented: README.md explains every deviation the tests
// allow, in the section of the host concerned.
func TestDeviationsDocumented(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for title, devs := range map[string][]deviation{"email": emailDeviations, "emailout": emailoutDeviations} {
		section := readmeSection(t, string(b), title)
		for _, d := range devs {
			if !strings.Contains(section, "`"+d.item+"`") {
				t.Errorf("README.md's section %q does not explain the deviation %q (%s)", title, d.item, d.reason)
			}
		}
	}
}

// readmeSection is the text of the "## title" section of a README, up to
// the next section of the same level.
func readmeSection(t *testing.T, readme, title string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "\n## "+title+"\n")
	if !ok {
		t.Fatalf("README.md has no section %q", title)
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	return section
}
