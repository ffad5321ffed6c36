package fidelity

import (
	"strings"
)

// deviation is an item of the email seed the example deliberately does
// not reproduce, or reproduces differently; README.md explains each under
// its item. holds, when set, reports when the catalog no longer deviates
// (then the deviation is to be replaced by a check); inject makes it so.
type deviation struct {
	item   string
	reason string
	holds  func(p *probe)
	inject func(h *host)
}

// Deviations: the seed items they concern are named in item.
var deviations = []deviation{
	{item: "cacert-selfservice-api",
		reason: "non-public software from CAcert's own package archive: no module installs it (service, port 9443, its certificate and config.yaml)",
		holds:  absentSelfService, inject: func(h *host) { h.add(kindPackage, "name", "cacert-selfservice-api") }},
	{item: "Puppet agent",
		reason: "tend is the configuration agent; it runs the catalog and is not part of it",
		holds:  absentPuppet, inject: func(h *host) { h.add(kindPackage, "name", "puppet-agent") }},
	{item: "dbus-daemon",
		reason: "the system bus comes with Debian's systemd and starts on demand; nothing of it is configured"},
	{item: "port origins",
		reason: "the seed names no firewall: 5665 (monitor) is not restricted by the host, like the ANY ports"},
	{item: "postfix virtual table",
		reason: "not among the seed's Postfix files: maps the /etc/aliases names at cacert.org to the local names (example README)",
		holds:  presentVirtual},
	{item: "SSHFP fingerprints",
		reason: "the host's real keys are not public: the algorithms the SSHFP records name are checked, not the fingerprints"},
	{item: "packages",
		reason: "the seed lists none: the example installs what its items imply, emailout's admin packages and dovecot-lmtpd (LMTP delivery)"},
	{item: "pysieved",
		reason: "long gone: Dovecot's own ManageSieve serves 4190 with the community certificate (modules/dovecot/README.md)"},
	{item: "database schema",
		reason: "the seed names the database and its roles, not its schema: the example's tables and views are minimal (modules/mariadb/README.md)"},
	{item: "location and addresses",
		reason: "container, IP and MAC addresses, DNS records and administrators are outside a node's configuration"},
}

// deviated is the deviation concerning a seed item (a port's or
// service's name), if any.
func deviated(item string) (deviation, bool) {
	for _, d := range deviations {
		if strings.EqualFold(d.item, item) {
			return d, true
		}
	}
	return deviation{}, false
}

// deviationChecks check that the deviations still hold.
func deviationChecks() []check {
	var out []check
	for _, d := range deviations {
		if d.holds != nil {
			out = append(out, check{name: "deviation/" + d.item, run: d.holds, inject: d.inject})
		}
	}
	return out
}

func absentSelfService(p *probe) {
	for _, r := range p.h.res {
		if strings.Contains(r.attrs["name"], "cacert-selfservice-api") || strings.Contains(r.attrs["path"], "cacert-selfservice-api") {
			p.errorf("%s manages the self service API: check it against the seed instead of listing it as a deviation", r.addr)
		}
	}
	for _, l := range listeners(p.h) {
		if l.port == 9443 {
			p.errorf("%s listens on 9443, the self service API's port", l.by)
		}
	}
}

func absentPuppet(p *probe) {
	for _, r := range p.h.res {
		if strings.HasPrefix(r.attrs["name"], "puppet") {
			p.errorf("%s manages Puppet, which tend replaces", r.addr)
		}
	}
}

func presentVirtual(p *probe) {
	if ref, ok := p.listed("/etc/postfix/virtual", "virtual_alias_maps"); ok {
		p.table(ref)
	}
}
