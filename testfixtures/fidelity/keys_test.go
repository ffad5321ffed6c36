package fidelity

import (
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

// certificateUses are the uses of each certificate of the seeds' "Keys
// and X.509 certificates", by CN.
var certificateUses = map[string][]certUse{
	"email.cacert.org": {{"smtp 25", smtpdCert(25)}, {"smtp client", clientCert}},
	"community.cacert.org": {{"smtps 465", smtpdCert(465)}, {"submission 587", smtpdCert(587)},
		{"imap pop3 sieve", dovecotCert}, {"https 443", nginxCert}},
	"emailout.cacert.org": {{"smtp 25", smtpdCert(25)}, {"STARTTLS on 25", starttls(25)}},
}

// seedCert is a certificate of a seed's "Keys and X.509 certificates".
type seedCert struct {
	cn, chain, key string
}

var seedCertificate = regexp.MustCompile(`Certificate for CN (\S+), see details.*\ncertificate in file (\S+)\nprivate key in file (\S+)`)

// seedCertificates reads the certificates of a seed's "Keys and X.509
// certificates" (its lines, bullets or not); the test fails unless there
// are want.
func seedCertificates(t *testing.T, lines []string, want int) []seedCert {
	t.Helper()
	var trimmed []string
	for _, l := range lines {
		trimmed = append(trimmed, unbullet(l))
	}
	var out []seedCert
	for _, m := range seedCertificate.FindAllStringSubmatch(strings.Join(trimmed, "\n"), -1) {
		out = append(out, seedCert{cn: m[1], chain: m[2], key: m[3]})
	}
	if len(out) != want {
		t.Fatalf("read %d certificates from the seed, want %d", len(out), want)
	}
	return out
}

// certificateChecks: each certificate but those skip refuses (a
// deviation's) is installed where the seed says and used where it says;
// no other certificate is installed.
func certificateChecks(certs []seedCert, skip func(seedCert) bool) []check {
	var out []check
	var chains []string
	for _, c := range certs {
		chains = append(chains, c.chain)
		if skip != nil && skip(c) {
			continue
		}
		out = append(out, check{name: "certificates/" + c.cn + " installed", run: func(p *probe) { installed(p, c) }})
		uses, ok := certificateUses[c.cn]
		if !ok {
			out = append(out, check{name: "certificates/" + c.cn, run: func(p *probe) { p.errorf("the test knows no use of %s", c.cn) }})
		}
		for _, u := range uses {
			out = append(out, check{name: "certificates/" + c.cn + " for " + u.name, run: func(p *probe) { u.run(p, c.chain, c.key) }})
		}
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

func installed(p *probe, c seedCert) {
	for _, r := range p.h.find(kindCert, "chain_path", c.chain) {
		if r.attrs["key_path"] == c.key && slices.Contains(r.lists["names"], c.cn) {
			p.rely(evidence{addr: r.addr})
			return
		}
	}
	p.errorf("no tls_certificate installs %s and %s for %s", c.chain, c.key, c.cn)
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

// starttls: the smtpd on port offers STARTTLS (security level may or
// encrypt) and does not wrap the connection in TLS.
func starttls(port int) func(p *probe, chain, key string) {
	return func(p *probe, _, _ string) {
		e, ok := p.entry(port)
		if !ok {
			return
		}
		if v := p.effective(e, "smtpd_tls_security_level"); v != "may" && v != "encrypt" {
			p.errorf("master.cf %s: smtpd_tls_security_level is %q: no STARTTLS", e.name, v)
		}
		if v, ok := e.opts["smtpd_tls_wrappermode"]; ok && v.value == "yes" {
			p.errorf("master.cf %s: smtpd_tls_wrappermode = yes: TLS from the start, not STARTTLS", e.name)
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

// sshfpAlgorithms are SSHFP's algorithm numbers (RFC 4255, 6594, 7479).
var sshfpAlgorithms = map[string]string{"1": "rsa", "2": "dsa", "3": "ecdsa", "4": "ed25519"}

// sshdDefaultKeys are the host keys sshd presents without a HostKey line.
var sshdDefaultKeys = []string{"ecdsa", "ed25519", "rsa"}

var hostKeyLine = regexp.MustCompile(`^\s*HostKey\s+/etc/ssh/ssh_host_(\w+)_key\s*$`)

// sshChecks: sshd presents host keys of the algorithms DNS publishes
// SSHFP records for under name (the seed's dns table), and no DSA key
// (the seed's host key table, keys, has none).
func sshChecks(t *testing.T, name string, dns, keys []map[string]string) []check {
	t.Helper()
	want := map[string]bool{}
	for _, row := range dns {
		if row["Name"] == name && row["Type"] == "IN SSHFP" {
			want[sshfpAlgorithms[strings.Fields(row["Content"])[0]]] = true
		}
	}
	for _, row := range keys {
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
