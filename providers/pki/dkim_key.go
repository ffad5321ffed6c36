package pki

import (
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// DKIMKeyKind is the name configurations use for dkim_key blocks.
const DKIMKeyKind = "dkim_key"

// DKIMKeySchema describes the dkim_key kind's attributes to the config
// loader.
var DKIMKeySchema = resources.Schema{
	Kind: DKIMKeyKind,
	Doc: "A DKIM signing key: DIRECTORY/SELECTOR.private (mode 0600) and DIRECTORY/SELECTOR.txt, the DNS record in the format opendkim-genkey writes. " +
		"A key is generated only when none exists and is never replaced; a missing or stale .txt is rewritten from the existing key. " +
		"Every change ends with a self-test: a message signed with the key must verify against the written record. The private key is never printed.",
	Attrs: []resources.AttrSchema{
		{Name: "directory", Type: cty.String, Required: true,
			Doc: "Absolute directory holding the key files, such as /etc/dkim, resolved under the run's root. It must exist when the key is written (manage it with a file resource)."},
		{Name: "selector", Type: cty.String, Required: true,
			Doc: `DKIM selector, such as "2015": names the files and the DNS record SELECTOR._domainkey.DOMAIN.`},
		{Name: "domain", Type: cty.String, Required: true,
			Doc: `Signing domain, such as "example.org".`},
		{Name: "algorithm", Type: cty.String,
			Doc: `Algorithm of a newly generated key: "rsa-2048" (the default), "rsa-3072" or "ed25519". An existing key is kept whatever its algorithm.`},
		{Name: "owner", Type: cty.String, Default: cty.StringVal("opendkim"),
			Doc: `Owner of the private key, by name or numeric id, resolved in the root's /etc/passwd; by default the user opendkim signs as.`},
		{Name: "group", Type: cty.String, Default: cty.StringVal("opendkim"),
			Doc: `Group of the private key, by name or numeric id, resolved in the root's /etc/group.`},
		{Name: "dns_check", Type: cty.Bool, Default: cty.False,
			Doc: "Also look up the TXT record DNS serves for SELECTOR._domainkey.DOMAIN and report whether it matches the key. A mismatch or a failed lookup is reported, never fails the run."},
		{Name: "resolver", Type: cty.String,
			Doc: `DNS server for dns_check, as "IP:port" such as "127.0.0.1:53". Default: the first nameserver in the root's /etc/resolv.conf.`},
		{Name: "dns_matches", Type: cty.Bool, Computed: true,
			Doc: "Computed: true when dns_check is on and the record DNS serves matches the key on the host, as read before the run plans; false otherwise (no key yet, no record, a different record, a failed lookup). " +
				"Other resources refer to it as dkim_key.NAME.dns_matches, to keep a milter off until DNS is right."},
	},
}

// dkimAlgorithms lists what algorithm may say, the default first.
var dkimAlgorithms = []string{"rsa-2048", "rsa-3072", "ed25519"}

// DKIMKey returns the dkim_key kind, for the provider registry.
func DKIMKey() resources.Kind { return dkimKind{} }

type dkimKind struct{}

func (dkimKind) Schema() resources.Schema { return DKIMKeySchema }

// Identity names the private key file, so a file resource writing the
// same path conflicts.
func (dkimKind) Identity(cfg *resources.Config) string {
	return "file:" + dkimPrivatePath(cfg.String("directory", ""), cfg.String("selector", ""))
}

// Needs names the directory and its ancestors, and the owner and group
// when given by name, so they converge before the key is written.
func (dkimKind) Needs(cfg *resources.Config) []string {
	out := files.AccountNeeds(cfg.String("owner", ""), cfg.String("group", ""))
	d := filepath.Clean(cfg.String("directory", ""))
	if !filepath.IsAbs(d) {
		return out
	}
	for ; d != "/"; d = filepath.Dir(d) {
		out = append(out, "file:"+d)
	}
	return out
}

func dkimPrivatePath(dir, selector string) string {
	return filepath.Join(filepath.Clean(dir), selector+".private")
}

// New checks the configuration and binds a resource to it.
func (dkimKind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseDKIMSpec(cfg)
	if err != nil {
		return nil, err
	}
	return newDKIMKey(s, cfg.Env), nil
}

// dkimSpec is one dkim_key's configuration, checked and normalized.
type dkimSpec struct {
	// dir is the configured directory, absolute and clean, not under the
	// root.
	dir, selector, domain string
	algorithm             string
	owner, group          string
	// accounts are owner and group as references, for the plan's check
	// that they exist (sensitive ones left out).
	accounts []resources.AccountRef
	dnsCheck bool
	// resolver is "IP:port"; "" means the root's resolv.conf.
	resolver string
}

// dkimNameRE matches a host name made of letters, digits, "-" and "_"
// labels; selectors may have dots too (RFC 6376 section 3.1).
var dkimNameRE = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*$`)

func parseDKIMSpec(cfg *resources.Config) (dkimSpec, error) {
	s := dkimSpec{
		selector:  cfg.String("selector", ""),
		domain:    strings.TrimSuffix(cfg.String("domain", ""), "."),
		algorithm: cfg.String("algorithm", dkimAlgorithms[0]),
		owner:     cfg.String("owner", ""),
		group:     cfg.String("group", ""),
		dnsCheck:  cfg.Bool("dns_check", false),
		resolver:  cfg.String("resolver", ""),
	}
	if err := resources.CheckPaths(cfg, "directory"); err != nil {
		return s, err
	}
	d := cfg.String("directory", "")
	if !filepath.IsAbs(d) || filepath.Clean(d) == "/" {
		return s, resources.AttrErrorf("directory", "directory %q must be an absolute path other than /", d)
	}
	s.dir = filepath.Clean(d)
	if !dkimNameRE.MatchString(s.selector) {
		return s, resources.AttrErrorf("selector", "selector %q must be a DNS name: letters, digits, \"-\" and \"_\", labels separated by dots", s.selector)
	}
	if !dkimNameRE.MatchString(s.domain) || len(s.domain) > 253 {
		return s, resources.AttrErrorf("domain", "domain %q is not a valid DNS name", s.domain)
	}
	if !slices.Contains(dkimAlgorithms, s.algorithm) {
		return s, resources.AttrErrorf("algorithm", "algorithm must be %q, %q or %q, not %q", dkimAlgorithms[0], dkimAlgorithms[1], dkimAlgorithms[2], s.algorithm)
	}
	for _, a := range [][2]string{{"owner", s.owner}, {"group", s.group}} {
		if err := resources.CheckAccountName(cfg, a[0], a[1]); err != nil {
			return s, err
		}
	}
	s.accounts = files.OwnerRefs("owner", s.owner, "group", s.group, cfg.Sensitive)
	return s, s.checkResolver(cfg)
}

func (s dkimSpec) checkResolver(cfg *resources.Config) error {
	if !cfg.IsSet("resolver") {
		return nil
	}
	if !s.dnsCheck {
		return resources.AttrErrorf("resolver", "resolver is only used with dns_check = true")
	}
	host, port, err := net.SplitHostPort(s.resolver)
	if err != nil || net.ParseIP(host) == nil || port == "" {
		return resources.AttrErrorf("resolver", `resolver %q must be "IP:port", such as "127.0.0.1:53"`, s.resolver)
	}
	return nil
}
