package pki

import (
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tendhq/tend/providers/managedfile"
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
		"The key is the one given in private_key (a different key on disk is replaced), or with generate = true one generated on the host when none exists and never replaced; with neither, a key on disk is kept and a missing one fails the plan. " +
		"The .txt is always derived from the key; a missing or stale one is rewritten. " +
		"Every change ends with a self-test: a message signed with the key must verify against the written record. The private key is never printed: plans show its algorithm and the SHA-256 fingerprint of its public half.",
	Attrs: []resources.AttrSchema{
		{Name: "directory", Type: cty.String, Required: true,
			Doc: "Absolute directory holding the key files, such as /etc/dkim, resolved under the run's root. It must exist when the key is written (manage it with a file resource)."},
		{Name: "selector", Type: cty.String, Required: true,
			Doc: `DKIM selector, such as "2015": names the files and the DNS record SELECTOR._domainkey.DOMAIN.`},
		{Name: "domain", Type: cty.String, Required: true,
			Doc: `Signing domain, such as "example.org".`},
		{Name: "private_key", Type: cty.String, Sensitive: true,
			Doc: "PEM private key to install: RSA (PKCS#1 or PKCS#8, at least 1024 bits) or Ed25519 (PKCS#8), typically decrypt() of the age-encrypted key kept in the repository, so a rebuilt host signs with the key DNS publishes. " +
				"The key file then holds exactly this key, PEM-encoded; a different key there is replaced. Always sensitive; not with generate = true."},
		{Name: "generate", Type: cty.Bool, Default: cty.False,
			Doc: "Generate a key of algorithm on the host when none exists (never replaced afterwards). Without it and without private_key, a missing key fails the plan: a new key would not match the published record."},
		{Name: "algorithm", Type: cty.String, Default: cty.StringVal(dkimAlgorithms[0]),
			Doc: `Algorithm of a key generate makes: "rsa-2048", "rsa-3072" or "ed25519". An existing key, or one given in private_key, is kept whatever its algorithm.`},
		{Name: "owner", Type: cty.String, Default: cty.StringVal("opendkim"),
			Doc: `Owner of the private key, by name or numeric id, resolved in the root's /etc/passwd; by default the user opendkim signs as.`},
		{Name: "group", Type: cty.String, Default: cty.StringVal("opendkim"),
			Doc: `Group of the private key, by name or numeric id, resolved in the root's /etc/group.`},
		{Name: "dns_check", Type: cty.Bool, Default: cty.False,
			Doc: "Also look up the TXT record DNS serves for SELECTOR._domainkey.DOMAIN and report whether it matches the key (the one given in private_key, else the one on the host). A mismatch or a failed lookup is reported, never fails the run."},
		{Name: "resolver", Type: cty.String,
			Doc: `DNS server for dns_check, as "IP:port" such as "127.0.0.1:53". Default: the first nameserver in the root's /etc/resolv.conf.`},
		{Name: "dns_matches", Type: cty.Bool, Computed: true,
			Doc: "Computed: true when dns_check is on and the record DNS serves matches the key, as read before the run plans: the key given in private_key (installed in the same run), else the key on the host; false otherwise (no key yet, no record, a different record, a failed lookup). " +
				"Other resources refer to it as dkim_key.NAME.dns_matches, to keep a milter off until DNS is right."},
	},
}

// dkimAlgorithms lists what algorithm may say, the default first.
var dkimAlgorithms = []string{"rsa-2048", "rsa-3072", "ed25519"}

// DKIMKey returns the dkim_key kind, for the provider registry.
func DKIMKey() resources.Kind { return dkimKind{} }

type dkimKind struct{}

func (dkimKind) Schema() resources.Schema { return DKIMKeySchema }

// Identities name the private key file and the DNS record file, so a
// file resource writing either path conflicts.
func (dkimKind) Identities(cfg *resources.Config) []resources.ID {
	dir, sel := cfg.String("directory", ""), cfg.String("selector", "")
	return []resources.ID{resources.FileID(dkimPrivatePath(dir, sel)), resources.FileID(filepath.Join(filepath.Clean(dir), sel+".txt"))}
}

// Order puts the key after its directory and that directory's
// ancestors, and the owner and group when given by name, so they converge
// before the key is written.
func (dkimKind) Order(cfg *resources.Config) []resources.Order {
	out := resources.AfterAccounts(cfg.String("owner", ""), cfg.String("group", ""))
	d := filepath.Clean(cfg.String("directory", ""))
	if !filepath.IsAbs(d) {
		return out
	}
	return append(append(out, resources.AfterParents(d)...), resources.After(resources.FileID(d)))
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
	// addr names the resource in errors about it as a whole.
	addr string
	// dir is the configured directory, absolute and clean, not under the
	// root.
	dir, selector, domain string
	// given is the key private_key holds; nil when it is not set.
	given *dkimGiven
	// generate allows generating a key when there is none.
	generate     bool
	algorithm    string
	owner, group string
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
		addr:      cfg.Addr.String(),
		selector:  cfg.String("selector", ""),
		domain:    strings.TrimSuffix(cfg.String("domain", ""), "."),
		generate:  cfg.Bool("generate", false),
		algorithm: cfg.String("algorithm", ""),
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
	s.accounts = managedfile.OwnerRefs("owner", s.owner, "group", s.group, cfg.Sensitive)
	if err := s.setGiven(cfg); err != nil {
		return s, err
	}
	return s, s.checkResolver(cfg)
}

// setGiven reads private_key. Its errors never quote it.
func (s *dkimSpec) setGiven(cfg *resources.Config) error {
	if !cfg.IsSet("private_key") {
		return nil
	}
	if s.generate {
		return resources.AttrErrorf("generate", "generate = true and private_key exclude each other: give the key, or let the host generate one, not both")
	}
	g, err := parseDKIMGiven([]byte(cfg.String("private_key", "")))
	if err != nil {
		return &resources.AttrError{Attr: "private_key", Err: fmt.Errorf("private_key %w", err)}
	}
	s.given = g
	return nil
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
