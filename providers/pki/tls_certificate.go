package pki

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// TLSCertificateSchema describes the tls_certificate kind's attributes to the config
// loader.
var TLSCertificateSchema = resources.Schema{
	Kind: "tls_certificate",
	Doc:  "A certificate chain and its private key, checked (key matches, chain in order and complete, valid now, names covered) and installed together.",
	Attrs: []resources.AttrSchema{
		{Name: "chain", Type: cty.String, Required: true,
			Doc: "PEM certificates: the leaf first, then each intermediate in order, each signed by the next."},
		{Name: "key", Type: cty.String, Required: true, Sensitive: true,
			Doc: "PEM private key of the leaf (RSA, ECDSA or Ed25519; PKCS#1, PKCS#8 or SEC 1). Always sensitive."},
		{Name: "chain_path", Type: cty.String, Required: true,
			Doc: "Absolute path the chain is written to, resolved under the run's root."},
		{Name: "key_path", Type: cty.String, Required: true,
			Doc: "Absolute path the key is written to, resolved under the run's root."},
		{Name: "names", Type: cty.List(cty.String), Required: true,
			Doc: "Host names (or IP addresses) the leaf must cover, wildcards matching as in X.509; at least one."},
		{Name: "root", Type: cty.String,
			Doc: "PEM trust anchor: when set, the chain's last certificate must be signed by it. Unset: the chain must end with a certificate whose issuer is not in the chain."},
		{Name: "expiry_warning_days", Type: cty.Number, Default: cty.NumberIntVal(30),
			Doc: "The plan warns when the leaf expires within this many days."},
		{Name: "chain_owner", Type: cty.String,
			Doc: "Owner of the chain file, by name or id (root's /etc/passwd). Unset: not managed."},
		{Name: "chain_group", Type: cty.String,
			Doc: "Group of the chain file, by name or id (root's /etc/group). Unset: not managed."},
		{Name: "chain_mode", Type: cty.String, Default: cty.StringVal("0644"),
			Doc: "Octal permissions of the chain file."},
		{Name: "key_owner", Type: cty.String,
			Doc: "Owner of the key file, by name or id. Unset: not managed."},
		{Name: "key_group", Type: cty.String,
			Doc: "Group of the key file, by name or id. Unset: not managed."},
		{Name: "key_mode", Type: cty.String, Default: cty.StringVal("0600"),
			Doc: "Octal permissions of the key file."},
	},
}

// TLSCertificate returns the tls_certificate kind, for the provider registry.
func TLSCertificate() resources.Kind { return tlsKind{} }

type tlsKind struct{}

func (tlsKind) Schema() resources.Schema { return TLSCertificateSchema }

// Identities are the key file and the chain file as a file resource
// would name them: a file resource managing either path conflicts with
// this one.
func (tlsKind) Identities(cfg *resources.Config) []resources.ID {
	return append(tlsConfigured(cfg, "key").Identities(), tlsConfigured(cfg, "chain").Identities()...)
}

// Order puts the certificate after both files' parent directories and
// the owners and groups given by name, as the file kind does.
func (tlsKind) Order(cfg *resources.Config) []resources.Order {
	return resources.Orders(tlsConfigured(cfg, "chain").Order(), tlsConfigured(cfg, "key").Order())
}

// tlsConfigured is the chain or the key file as configured, for what it
// manages and where it goes; its content is not needed for that.
func tlsConfigured(cfg *resources.Config, f string) *managedfile.File {
	return managedfile.New(cfg.Env, managedfile.Spec{Path: cfg.String(f+"_path", ""), Owner: cfg.String(f+"_owner", ""), Group: cfg.String(f+"_group", "")})
}

// tlsTarget is one of the two managed files as configured.
type tlsTarget struct {
	// path is the configured absolute path, not under the root.
	path         string
	data         []byte
	owner, group string
	mode         fs.FileMode
	// accounts are owner and group as references, for the plan's check
	// that they exist (sensitive ones left out).
	accounts []resources.AccountRef
}

// spec is a tls_certificate's configuration, parsed by New. The semantic
// checks (match, order, validity, names) run in Plan, where time is now.
type tlsSpec struct {
	chainFile, keyFile tlsTarget
	certs              []*x509.Certificate
	key                crypto.Signer
	root               *x509.Certificate
	names              []string
	warnDays           int
}

// New parses the configuration; the checks of the certificates run in
// Plan.
func (tlsKind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseTLSSpec(cfg)
	if err != nil {
		return nil, err
	}
	return &tlsCertificate{spec: s, env: cfg.Env}, nil
}

func parseTLSSpec(cfg *resources.Config) (tlsSpec, error) {
	var s tlsSpec
	var err error
	if s.chainFile, err = parseTLSTarget(cfg, "chain", 0644); err != nil {
		return s, err
	}
	if s.keyFile, err = parseTLSTarget(cfg, "key", 0600); err != nil {
		return s, err
	}
	if s.chainFile.path == s.keyFile.path {
		return s, resources.AttrErrorf("key_path", "key_path and chain_path must differ")
	}
	if s.certs, err = parseTLSCerts(s.chainFile.data); err != nil {
		return s, &resources.AttrError{Attr: "chain", Err: err}
	}
	if s.key, err = parseTLSKey(s.keyFile.data); err != nil {
		return s, &resources.AttrError{Attr: "key", Err: err}
	}
	if cfg.IsSet("root") {
		roots, err := parseTLSCerts([]byte(cfg.String("root", "")))
		if err == nil && len(roots) != 1 {
			err = fmt.Errorf("root must hold exactly one certificate, not %d", len(roots))
		}
		if err != nil {
			return s, &resources.AttrError{Attr: "root", Err: err}
		}
		s.root = roots[0]
	}
	return s, s.setNames(cfg)
}

func (s *tlsSpec) setNames(cfg *resources.Config) error {
	for _, n := range cfg.Strings("names") {
		if n == "" || strings.ContainsAny(n, " \t\n") {
			return resources.AttrErrorf("names", "names: %q is not a host name", n)
		}
		s.names = append(s.names, n)
	}
	if len(s.names) == 0 {
		return resources.AttrErrorf("names", "names must list at least one host name the leaf covers")
	}
	days, err := cfg.Int("expiry_warning_days", 0)
	if err == nil && days < 0 {
		err = fmt.Errorf("expiry_warning_days must not be negative")
	}
	if err != nil {
		return &resources.AttrError{Attr: "expiry_warning_days", Err: err}
	}
	s.warnDays = days
	return nil
}

// parseTLSTarget reads prefix_path, _owner, _group and _mode and the content
// attribute named prefix.
func parseTLSTarget(cfg *resources.Config, prefix string, defMode fs.FileMode) (tlsTarget, error) {
	t := tlsTarget{
		path:  cfg.String(prefix+"_path", ""),
		data:  []byte(cfg.String(prefix, "")),
		owner: cfg.String(prefix+"_owner", ""),
		group: cfg.String(prefix+"_group", ""),
		mode:  defMode,
	}
	if err := resources.CheckPaths(cfg, prefix+"_path"); err != nil {
		return t, err
	}
	if !filepath.IsAbs(t.path) || filepath.Clean(t.path) == "/" {
		return t, resources.AttrErrorf(prefix+"_path", "%s_path %q must be an absolute file path", prefix, t.path)
	}
	t.path = filepath.Clean(t.path)
	for _, a := range []string{"_owner", "_group"} {
		if !cfg.IsSet(prefix + a) {
			continue
		}
		if err := resources.CheckAccountName(cfg, prefix+a, cfg.String(prefix+a, "")); err != nil {
			return t, err
		}
	}
	t.accounts = managedfile.OwnerRefs(prefix+"_owner", t.owner, prefix+"_group", t.group, cfg.Sensitive)
	if cfg.IsSet(prefix + "_mode") {
		v := cfg.String(prefix+"_mode", "")
		n, err := strconv.ParseUint(v, 8, 32)
		if err != nil || len(v) < 3 || len(v) > 4 || n > 0777 {
			return t, resources.AttrErrorf(prefix+"_mode", "%s_mode %q must be octal permissions, like \"0640\"", prefix, v)
		}
		t.mode = fs.FileMode(n)
	}
	return t, nil
}
