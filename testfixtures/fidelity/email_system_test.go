package fidelity

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// certUse is one place the seed says a certificate is used.
type certUse struct {
	name string
	run  func(p *probe, chain, key string)
}

// certificateUses are the uses of each certificate of the seed's "Keys
// and X.509 certificates", by CN.
var certificateUses = map[string][]certUse{
	"email.cacert.org": {{"smtp 25", smtpdCert(25)}, {"smtp client", clientCert}},
	"community.cacert.org": {{"smtps 465", smtpdCert(465)}, {"submission 587", smtpdCert(587)},
		{"imap pop3 sieve", dovecotCert}, {"https 443", nginxCert}},
}

var seedCertificate = regexp.MustCompile(`Certificate for CN (\S+), see details.*\ncertificate in file (\S+)\nprivate key in file (\S+)`)

// certificateChecks: each certificate is installed where the seed says
// and used where it says; no other certificate is installed.
func certificateChecks(t *testing.T, seed []string) []check {
	t.Helper()
	text := strings.Join(quoted(t, seed, "Keys and X.509 certificates", "cacert-selfservice-api configuration"), "\n")
	var out []check
	var chains []string
	for _, m := range seedCertificate.FindAllStringSubmatch(text, -1) {
		cn, chain, key := m[1], m[2], m[3]
		chains = append(chains, chain)
		if strings.HasPrefix(chain, "/etc/cacert-selfservice-api/") {
			continue // deviation cacert-selfservice-api
		}
		out = append(out, check{name: "certificates/" + cn + " installed", run: func(p *probe) { installed(p, cn, chain, key) }})
		uses, ok := certificateUses[cn]
		if !ok {
			out = append(out, check{name: "certificates/" + cn, run: func(p *probe) { p.errorf("the test knows no use of %s", cn) }})
		}
		for _, u := range uses {
			out = append(out, check{name: "certificates/" + cn + " for " + u.name, run: func(p *probe) { u.run(p, chain, key) }})
		}
	}
	if len(chains) != 3 {
		t.Fatalf("read %d certificates from the seed, want 3", len(chains))
	}
	out = append(out, check{name: "certificates/no other certificate", run: func(p *probe) {
		for _, r := range p.h.res {
			if r.kind == kindCert && !slices.Contains(chains, r.attrs["chain_path"]) {
				p.errorf("%s installs %s, which the seed does not list", r.addr, r.attrs["chain_path"])
			}
		}
	}, inject: func(h *host) { h.add(kindCert, "chain_path", "/etc/ssl/public/other.pem") }})
	return out
}

func installed(p *probe, cn, chain, key string) {
	for _, r := range p.h.find(kindCert, "chain_path", chain) {
		if r.attrs["key_path"] == key && slices.Contains(r.lists["names"], cn) {
			p.rely(evidence{addr: r.addr})
			return
		}
	}
	p.errorf("no tls_certificate installs %s and %s for %s", chain, key, cn)
}

// smtpdCert: the smtpd on port presents the certificate.
func smtpdCert(port int) func(p *probe, chain, key string) {
	return func(p *probe, chain, key string) {
		e, ok := p.entry(port)
		if !ok {
			return
		}
		for name, want := range map[string]string{"smtpd_tls_cert_file": chain, "smtpd_tls_key_file": key} {
			if v := p.effective(e, name); v != want {
				p.errorf("master.cf %s: %s is %q, want %s", e.name, name, v, want)
			}
		}
	}
}

// clientCert: Postfix offers TLS when it delivers, and presents the
// certificate when the server asks for one.
func clientCert(p *probe, chain, key string) {
	for name, want := range map[string]string{"smtp_tls_cert_file": chain, "smtp_tls_key_file": key} {
		if v, _ := p.param(name); v != want {
			p.errorf("main.cf: %s is %q, want %s", name, v, want)
		}
	}
	if v, _ := p.param("smtp_tls_security_level"); v == "" || v == "none" {
		p.errorf("main.cf: smtp_tls_security_level is %q: Postfix never delivers over TLS", v)
	}
}

// dovecotCert: IMAP, POP3 and ManageSieve present the certificate.
func dovecotCert(p *probe, chain, key string) {
	for name, want := range map[string]string{"ssl_cert": "<" + chain, "ssl_key": "<" + key} {
		if v, _ := p.dovecot("", name); v != want {
			p.errorf("dovecot.conf: %s is %q, want %s", name, v, want)
		}
	}
	// Not relied on: without the line, Dovecot's default (yes) holds.
	if v, _ := (&probe{h: p.h}).dovecot("", "ssl"); v == "no" {
		p.errorf("dovecot.conf: ssl = no")
	}
}

// nginxCert: the https server for community.cacert.org presents the
// certificate.
func nginxCert(p *probe, chain, key string) {
	for _, site := range nginxSites(p.h) {
		for _, server := range nginxServers(site.file.attrs["content"]) {
			get := func(name string) (directive, bool) {
				i := slices.IndexFunc(server, func(d directive) bool { return d.name == name })
				if i < 0 {
					return directive{}, false
				}
				return server[i], true
			}
			listen := slices.IndexFunc(server, func(d directive) bool { return d.name == "listen" && listensOn(d, 443) })
			names, _ := get("server_name")
			if listen < 0 || !slices.Contains(names.args, "community.cacert.org") {
				continue
			}
			if !slices.Contains(server[listen].args, "ssl") {
				p.errorf("%s: %q is not an ssl listener", site.file.attrs["path"], strings.TrimSpace(server[listen].line))
			}
			p.rely(site.evidence(names.line)...)
			for name, want := range map[string]string{"ssl_certificate": chain, "ssl_certificate_key": key} {
				d, ok := get(name)
				if !ok || len(d.args) != 1 || d.args[0] != want {
					p.errorf("%s: %s is %v, want %s", site.file.attrs["path"], name, d.args, want)
					continue
				}
				p.rely(site.evidence(d.line)...)
			}
			return
		}
	}
	p.errorf("no enabled nginx site has a server for community.cacert.org on port 443")
}

// impliedPackages are the packages the seed's items need, and the item.
var impliedPackages = map[string]string{
	"openssh-server": "22/tcp ssh, openssh server", "sudo": "sudo access for the admins",
	"postfix": "Postfix", "postfix-mysql": "mysql-*.cf",
	"dovecot-core": "dovecot", "dovecot-imapd": "143 imap, 993 imaps", "dovecot-pop3d": "110 pop3, 995 pop3s",
	"dovecot-managesieved": "4190 sieve", "dovecot-sieve": "sieve filter", "dovecot-mysql": "cacertusers used by dovecot",
	"mariadb-server": "MariaDB", "nginx": "nginx", "fail2ban": "fail2ban", "icinga2": "icinga2",
	"cron": "cron", "rsyslog": "rsyslog",
}

// supportingPackages serve an implied package in a way the seed does not
// prescribe, by the package they serve; they may be installed with it.
var supportingPackages = map[string]string{
	"nftables":                 "fail2ban", // its ban action
	"python3-systemd":          "fail2ban", // its journal backend
	"monitoring-plugins-basic": "icinga2",  // the host's internal checks
}

// packageChecks: the implied packages are installed; any other is
// emailout's admin packages (every host has them), dovecot-lmtpd, a
// supporting package of an installed one, or the plugin of a table type
// Postfix uses.
func packageChecks(t *testing.T) []check {
	t.Helper()
	var out []check
	for _, name := range slices.Sorted(maps.Keys(impliedPackages)) {
		out = append(out, check{name: fmt.Sprintf("packages/%s (%s)", name, impliedPackages[name]),
			run: func(p *probe) { p.pkg(name) }})
	}
	allowed := adminPackages(t)
	allowed["dovecot-lmtpd"] = true // deviation packages: LMTP delivery
	out = append(out, check{name: "packages/no other package",
		run: func(p *probe) {
			allowed := maps.Clone(allowed)
			plugins := map[string]string{"pcre": "postfix-pcre", "cdb": "postfix-cdb", "lmdb": "postfix-lmdb"}
			for _, r := range p.h.res {
				if r.kind == kindMap {
					allowed[plugins[r.attrs["type"]]] = true
				}
			}
			for name, served := range supportingPackages {
				allowed[name] = allowed[name] || len(p.h.find(kindPackage, "name", served)) > 0
			}
			for _, r := range p.h.res {
				name, _, _ := strings.Cut(r.attrs["name"], ":")
				if _, implied := impliedPackages[name]; r.kind == kindPackage && !implied && !allowed[name] {
					p.errorf("%s installs %s, which no item of the seed implies", r.addr, name)
				}
			}
		},
		inject: func(h *host) { h.add(kindPackage, "name", "apache2") }})
	return out
}

// sshfpAlgorithms are SSHFP's algorithm numbers (RFC 4255, 6594, 7479).
var sshfpAlgorithms = map[string]string{"1": "rsa", "2": "dsa", "3": "ecdsa", "4": "ed25519"}

// sshdDefaultKeys are the host keys sshd presents without a HostKey line.
var sshdDefaultKeys = []string{"ecdsa", "ed25519", "rsa"}

var hostKeyLine = regexp.MustCompile(`^\s*HostKey\s+/etc/ssh/ssh_host_(\w+)_key\s*$`)

// sshChecks: sshd presents host keys of the algorithms DNS publishes
// SSHFP records for, and no DSA key (the seed's host key table has none).
func sshChecks(t *testing.T, seed []string) []check {
	t.Helper()
	want := map[string]bool{}
	for _, row := range seedTable(t, seed, "DNS¶") {
		if row["Name"] == "email.cacert.org." && row["Type"] == "IN SSHFP" {
			want[sshfpAlgorithms[strings.Fields(row["Content"])[0]]] = true
		}
	}
	for _, row := range seedTable(t, seed, "SSH host keys¶") {
		if alg := strings.ToLower(row["Algorithm"]); want[alg] != (row["Fingerprints"] != "-") {
			t.Fatalf("the seed's SSHFP records and host key table disagree about %s", alg)
		}
	}
	algs := slices.Sorted(maps.Keys(want))
	return []check{{name: "ssh/host keys " + strings.Join(algs, " "), run: func(p *probe) {
		var got []string
		for _, r := range p.h.files(sshdConfig) {
			for _, l := range strings.Split(r.attrs["content"], "\n") {
				if m := hostKeyLine.FindStringSubmatch(l); m != nil {
					got = append(got, m[1])
					p.rely(evidence{addr: r.addr, line: l})
				}
			}
		}
		if got == nil {
			got = sshdDefaultKeys
		}
		if slices.Sort(got); !slices.Equal(slices.Compact(got), algs) {
			p.errorf("sshd presents host keys %v, the seed's SSHFP records are for %v", got, algs)
		}
		for _, r := range p.h.files("/etc/ssh/ssh_host_") {
			if alg := strings.TrimSuffix(strings.TrimPrefix(r.attrs["path"], "/etc/ssh/ssh_host_"), "_key"); !want[alg] && !strings.HasSuffix(alg, ".pub") {
				p.errorf("%s installs a %s host key, which the seed does not have", r.addr, alg)
			}
		}
	}, inject: func(h *host) { h.appendLine(sshdConfig, "HostKey /etc/ssh/ssh_host_dsa_key") }}}
}

// dkimCheck: "no DKIM signing is active currently": no milter, no
// opendkim.
func dkimCheck(t *testing.T, seed []string) check {
	t.Helper()
	seedMatch(t, seed, `no DKIM signing is active currently`)
	return check{name: "dkim/no signing", run: func(p *probe) {
		for _, name := range []string{"smtpd_milters", "non_smtpd_milters"} {
			if v, ok := p.param(name); ok && v != "" {
				p.errorf("main.cf: %s = %s, but the host signs nothing", name, v)
			}
		}
		for _, r := range p.h.res {
			if strings.HasPrefix(r.attrs["name"], "opendkim") {
				p.errorf("%s manages opendkim, but the host signs nothing", r.addr)
			}
		}
	}, inject: func(h *host) { h.appendLine(mainCF, "smtpd_milters = inet:127.0.0.1:8891") }}
}
