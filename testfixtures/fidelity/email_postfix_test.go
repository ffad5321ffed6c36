package fidelity

import (
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// postfixFiles checks each of the seed's special Postfix files, by the
// name its table gives.
var postfixFiles = map[string]func(p *probe, usedFor string){
	"arbitration":    checkArbitration,
	"cacert-inc-bcc": checkBCC,
	"main.cf":        func(p *probe, _ string) { p.file(mainCF); p.running("postfix") },
	"master.cf":      checkMasterCF,
	"mysql-*.cf":     checkMySQLMaps,
	"transport":      checkTransport,
}

// stockPostfixFiles are written on every Postfix host.
var stockPostfixFiles = []string{"main.cf", "master.cf"}

// postfixChecks: each file of the seed's Postfix table; no other file in
// /etc/postfix but the deviation's.
func postfixChecks(t *testing.T, seed []string) []check {
	t.Helper()
	var out []check
	var names []string
	for _, row := range seedTable(t, seed, "Postfix configuration¶") {
		name, usedFor := row["File"], row["Used for"]
		names = append(names, name)
		run, ok := postfixFiles[name]
		out = append(out, check{name: "postfix/" + name, run: func(p *probe) {
			if !ok {
				p.errorf("the test has no check for the seed's Postfix file %s", name)
				return
			}
			run(p, usedFor)
		}})
	}
	out = append(out, check{name: "postfix/no other special file",
		run: func(p *probe) {
			for _, r := range p.h.files("/etc/postfix/") {
				base := strings.TrimPrefix(r.attrs["path"], "/etc/postfix/")
				if !slices.ContainsFunc(names, func(n string) bool { ok, _ := path.Match(n, base); return ok }) &&
					!slices.Contains(stockPostfixFiles, base) && r.attrs["path"] != "/etc/postfix/virtual" {
					p.errorf("%s writes %s, which the seed does not list", r.addr, r.attrs["path"])
				}
			}
		},
		inject: func(h *host) { h.appendLine("/etc/postfix/sender_canonical", "a b") }})
	return out
}

var address = regexp.MustCompile(`[\w.+-]+@[\w.-]+\w`)

// checkArbitration: a regexp table rewrites recipients to each address
// the seed names.
func checkArbitration(p *probe, usedFor string) {
	ref, ok := p.listed("/etc/postfix/arbitration", "recipient_canonical_maps", "virtual_alias_maps")
	if !ok {
		return
	}
	if ref.typ != "regexp" && ref.typ != "pcre" {
		p.errorf("arbitration is a %s table; the seed's are regular expressions", ref.typ)
	}
	src, _ := p.table(ref)
	entries := fields(strings.Split(src, "\n"))
	for _, e := range entries {
		if !strings.HasPrefix(e[0], "/") {
			p.errorf("arbitration: %q is not a regular expression", e[0])
		}
	}
	for _, want := range address.FindAllString(usedFor, -1) {
		p.relyOnly(p.entryLines(ref.path, func(f []string) bool { return len(f) > 1 && f[len(f)-1] == want }))
		if !slices.ContainsFunc(entries, func(f []string) bool { return len(f) > 1 && f[len(f)-1] == want }) {
			p.errorf("arbitration rewrites no recipient to %s", want)
		}
	}
}

// entryLines are the lines of the table source at path whose fields
// match.
func (p *probe) entryLines(path string, match func([]string) bool) []evidence {
	var out []evidence
	for _, r := range p.h.files(path) {
		for _, l := range strings.Split(r.attrs["content"], "\n") {
			if f := strings.Fields(l); len(f) > 0 && !strings.HasPrefix(f[0], "#") && match(f) {
				out = append(out, evidence{addr: r.addr, line: l})
			}
		}
	}
	return out
}

// checkBCC: cacert-inc-bcc is recipient_bcc_maps, with addresses.
func checkBCC(p *probe, _ string) {
	ref, ok := p.listed("/etc/postfix/cacert-inc-bcc", "recipient_bcc_maps")
	if !ok {
		return
	}
	src, _ := p.table(ref)
	entries := fields(strings.Split(src, "\n"))
	if len(entries) == 0 {
		p.errorf("cacert-inc-bcc is empty")
	}
	for _, e := range entries {
		if len(e) != 2 || !address.MatchString(e[0]) || !address.MatchString(e[1]) {
			p.errorf("cacert-inc-bcc: %q does not map an address to an address", strings.Join(e, " "))
		}
	}
}

// checkMasterCF: the community SMTPS (465) and submission (587)
// transports: smtpd with SASL authentication, SMTPS wrapped in TLS.
func checkMasterCF(p *probe, _ string) {
	for _, port := range []int{465, 587} {
		e, ok := p.entry(port)
		if !ok {
			continue
		}
		if v := p.effective(e, "smtpd_sasl_auth_enable"); v != "yes" {
			p.errorf("master.cf %s: smtpd_sasl_auth_enable is %q; users authenticate there", e.name, v)
		}
		if v := p.effective(e, "smtpd_tls_wrappermode"); (port == 465) != (v == "yes") {
			p.errorf("master.cf %s: smtpd_tls_wrappermode is %q", e.name, v)
		}
	}
}

var fromClause = regexp.MustCompile(`(?i)\bFROM\s+` + "`?" + `(\w+)`)

// mysqlMaps returns main.cf's MySQL tables: the files under
// /etc/postfix/mysql-*.cf, each with the parameter listing it.
func (p *probe) mysqlMaps() map[string]string {
	out := map[string]string{}
	f, ok := p.file(mainCF)
	if !ok {
		return out
	}
	for name, s := range postconf(f.attrs["content"]) {
		for _, ref := range tableRefs(s.value) {
			if ok, _ := path.Match("/etc/postfix/mysql-*.cf", ref.path); ok && ref.typ == "mysql" {
				out[ref.path] = name
			}
		}
	}
	return out
}

// checkMySQLMaps: every mysql-*.cf file is listed in main.cf, queries a
// view of the database, and the aliases are among them.
func checkMySQLMaps(p *probe, _ string) {
	listed := p.mysqlMaps()
	paths := slices.Collect(maps.Keys(listed))
	for _, r := range p.h.files("/etc/postfix/mysql-") {
		paths = append(paths, r.attrs["path"])
	}
	if len(paths) == 0 {
		p.errorf("no /etc/postfix/mysql-*.cf file")
	}
	slices.Sort(paths)
	for _, path := range slices.Compact(paths) {
		param, ok := listed[path]
		if !ok {
			p.errorf("main.cf lists %s nowhere", path)
			continue
		}
		p.param(param)
		p.mysqlView(path)
	}
	if !slices.Contains(mapValues(listed), "virtual_alias_maps") {
		p.errorf("no MySQL table maps aliases (virtual_alias_maps)")
	}
	p.pkg("postfix-mysql")
}

// mysqlView returns the definition of the view the MySQL table at path
// queries, relying on its query line.
func (p *probe) mysqlView(path string) string {
	f, ok := p.file(path)
	if !ok {
		return ""
	}
	q, ok := postconf(f.attrs["content"])["query"]
	m := fromClause.FindStringSubmatch(q.value)
	if !ok || m == nil {
		p.errorf("%s has no query reading a table or view", path)
		return ""
	}
	p.rely(evidence{addr: f.addr, line: q.line})
	def, ok := p.view(m[1])
	if !ok {
		p.errorf("%s reads %s, which is not a view", path, m[1])
	}
	return def
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// sendsTo reports whether a transport entry's fields send mail to the
// host named host (smtp:[host.domain] or smtp:host.domain).
func sendsTo(entry []string, host string) bool {
	return len(entry) == 2 && (strings.Contains(entry[1], ":["+host+".") || strings.Contains(entry[1], ":"+host+"."))
}

var transportRow = regexp.MustCompile(`for (\S+) to (\w+)`)

// checkTransport: mail for each domain the seed names goes to its host,
// and the transport table has nothing else.
func checkTransport(p *probe, usedFor string) {
	ref, ok := p.listed("/etc/postfix/transport", "transport_maps")
	if !ok {
		return
	}
	src, _ := p.table(ref)
	want := map[string]string{}
	for _, m := range transportRow.FindAllStringSubmatch(usedFor, -1) {
		want[m[1]] = strings.ToLower(m[2])
	}
	if len(want) != 2 {
		p.errorf("read %d forwarded domains from the seed, want 2: %v", len(want), want)
	}
	for _, e := range fields(strings.Split(src, "\n")) {
		host, ok := want[e[0]]
		if !ok {
			p.errorf("transport forwards %s, which the seed does not", e[0])
			continue
		}
		delete(want, e[0])
		if !sendsTo(e, host) {
			p.errorf("transport sends %s to %q, not to the %s host", e[0], strings.Join(e[1:], " "), host)
		}
		p.relyOnly(p.entryLines(ref.path, func(f []string) bool { return f[0] == e[0] }))
	}
	for domain := range want {
		p.errorf("transport does not forward %s", domain)
	}
}
