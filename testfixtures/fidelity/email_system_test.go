package fidelity

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

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
