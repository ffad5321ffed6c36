package fidelity

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
)

// dkimUnpublished is the host as documented: the DKIM key's record is not
// in DNS yet, so nothing signs.
func dkimUnpublished() map[string]resources.State {
	return map[string]resources.State{"module.opendkim.dkim_key.key": {"dns_matches": "false"}}
}

// emailoutHost builds the example's emailout catalog with throwaway keys
// given as the example keeps them (giveKeys), before the DKIM record is
// published.
func emailoutHost(t *testing.T) *host {
	t.Helper()
	return exampleHost(t, "emailout", dkimUnpublished())
}

// emailoutDeviations: the emailout seed's items the example deviates
// from.
var emailoutDeviations = []deviation{
	puppetDeviation,
	dbusDeviation,
	{item: "port origins",
		reason: "the seed names no firewall: 25 (intranet) and 5665 (monitor) are open to all; Postfix relays for mynetworks only (TestMainCF)"},
	sshfpDeviation,
	{item: "APT proxy",
		reason: "the seed names Proxyout, not its URL: the example leaves apt_proxy empty and APT connects directly",
		holds:  noAPTProxy, inject: func(h *host) {
			h.appendLine("/etc/apt/apt.conf.d/30proxy", `Acquire::http::Proxy "http://proxyout.example.org:3128/";`)
		}},
	locationDeviation,
}

// emailoutChecks are the checks of the emailout seed's tables, keys,
// host keys, outbound connections and packages, the deviations'
// included; its quoted files are compared by emailout_test.go.
func emailoutChecks(t *testing.T) []check {
	t.Helper()
	seed := readSeed(t)
	certs := seedCertificates(t, quoted(t, seed, "Keys and X.509 certificates", "Postfix configuration"), 1)
	return slices.Concat(
		portChecks(t, cellTable(t, seed, "Listening services", "Running services", "Port", "Service", "Origin", "Purpose"), nil),
		serviceChecks(cellTable(t, seed, "Running services", "Connected Systems", "Service", "Usage", "Start mechanism"), emailoutDeviations),
		certificateChecks(certs, nil),
		dkimKeyChecks(t, seed),
		sshChecks(t, "emailout.cacert.org.", cellTable(t, seed, "DNS", "Operating System", "Name", "Type", "Content"),
			cellTable(t, seed, "SSH host keys", "Non-distribution packages", "Algorithm", "Fingerprints")),
		outboundChecks(t, seed),
		emailoutPackageChecks(t),
		deviationChecks(emailoutDeviations))
}

// TestEmailout checks the example's emailout node against the items of
// its seed that are not quoted files: one subtest an item.
func TestEmailout(t *testing.T) {
	runChecks(t, emailoutHost(t), emailoutChecks(t))
}

// TestEmailoutMutations proves each of TestEmailout's checks can fail
// (see runMutations).
func TestEmailoutMutations(t *testing.T) {
	runMutations(t, emailoutHost(t), emailoutChecks(t))
}

var dkimFile = regexp.MustCompile(`^(/\S+)/(\w+)\.(private|txt) contains`)

// dkimKeyChecks: the seed's DKIM files (the private key and the record)
// are a dkim_key's, by its directory and selector, and OpenDKIM signs
// with the private key; no other DKIM key is managed.
func dkimKeyChecks(t *testing.T, seed []string) []check {
	t.Helper()
	var out []check
	var keys []string
	for _, l := range seed {
		m := dkimFile.FindStringSubmatch(unbullet(l))
		if m == nil {
			continue
		}
		file, dir, selector := strings.TrimSuffix(m[0], " contains"), m[1], m[2]
		keys = append(keys, path.Join(dir, selector))
		out = append(out, check{name: "certificates/DKIM " + file, run: func(p *probe) {
			dkimKey(p, dir, selector)
			if m[3] == "private" && len(p.lines("/etc/opendkim.conf", regexp.MustCompile(`^KeyFile\s+`+regexp.QuoteMeta(file)+`\s*$`))) == 0 {
				p.errorf("opendkim.conf: no KeyFile %s", file)
			}
		}})
	}
	if len(out) != 2 {
		t.Fatalf("read %d DKIM files from the seed, want 2", len(out))
	}
	out = append(out, check{name: "certificates/no other DKIM key", run: func(p *probe) {
		for _, r := range p.h.res {
			if r.kind == kindDKIM && !slices.Contains(keys, path.Join(r.attrs["directory"], r.attrs["selector"])) {
				p.errorf("%s manages the DKIM key %s in %s, which the seed does not list", r.addr, r.attrs["selector"], r.attrs["directory"])
			}
		}
	}, inject: func(h *host) { h.add(kindDKIM, "directory", "/etc/dkimkeys").attrs["selector"] = "2007" }})
	return out
}

// dkimKey: a dkim_key resource keeps selector's key and record in dir.
func dkimKey(p *probe, dir, selector string) {
	for _, r := range p.h.find(kindDKIM, "directory", dir) {
		if r.attrs["selector"] == selector {
			p.rely(evidence{addr: r.addr})
			return
		}
	}
	p.errorf("no dkim_key keeps the selector %s in %s", selector, dir)
}

// outboundChecks: the outbound connections the host's configuration
// makes: its resolvers and SMTP to the mail hosts. APT's proxy is a
// deviation; the Puppet master goes with the Puppet agent.
func outboundChecks(t *testing.T, seed []string) []check {
	t.Helper()
	seedMatch(t, seed, `Proxyout as HTTP proxy for APT`)
	seedMatch(t, seed, `Puppet \(tcp/8140\) as Puppet master`)
	resolvers := seedMatch(t, seed, `DNS \(53\) resolving nameservers (\S+) and (\S+)`)[1:]
	smtp := seedMatch(t, seed, `SMTP \(25/tcp\) to ((\w+), (\w+) and (\w+))`)
	return []check{
		{name: "outbound/DNS " + strings.Join(resolvers, " "), run: func(p *probe) { nameservers(p, resolvers) },
			inject: func(h *host) { h.appendLine(resolvConf, "nameserver 192.0.2.53") }},
		{name: "outbound/SMTP to " + smtp[1], run: func(p *probe) { relaysTo(p, smtp[2:]) }},
	}
}

// nameservers: resolv.conf names the servers, in order, and no other.
func nameservers(p *probe, want []string) {
	f, ok := p.file(resolvConf)
	if !ok {
		return
	}
	var got []string
	for _, l := range strings.Split(f.attrs["content"], "\n") {
		if w := strings.Fields(l); len(w) == 2 && w[0] == "nameserver" {
			got = append(got, w[1])
			p.rely(evidence{addr: f.addr, line: l})
		}
	}
	if !slices.Equal(got, want) {
		p.errorf("%s names the servers %v, the seed's are %v", resolvConf, got, want)
	}
}

// relaysTo: the transport table sends mail to each of the hosts (the
// seed's system names). Which domain goes where, and nothing else, is
// TestTables': it compares the table with the one the seed quotes.
func relaysTo(p *probe, systems []string) {
	ref, ok := p.listed("/etc/postfix/transport", "transport_maps")
	if !ok {
		return
	}
	p.table(ref)
	for _, s := range systems {
		host := strings.ToLower(s)
		evs := p.entryLines(ref.path, func(f []string) bool { return sendsTo(f, host) })
		if len(evs) == 0 {
			p.errorf("the transport table sends no mail to %s", s)
		}
		p.relyOnly(evs)
	}
}

// noAPTProxy: no file under /etc/apt sets a proxy.
func noAPTProxy(p *probe) {
	for _, r := range p.h.files("/etc/apt/") {
		if strings.Contains(r.attrs["content"], "Proxy") {
			p.errorf("%s sets APT's proxy: check its URL against the seed instead of listing it as a deviation", r.addr)
		}
	}
}
