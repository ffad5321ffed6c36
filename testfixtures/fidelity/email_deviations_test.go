package fidelity

import (
	"strings"
)

// emailDeviations: the email seed's items the example deviates from.
var emailDeviations = []deviation{
	{item: "cacert-selfservice-api",
		reason: "non-public software from CAcert's own package archive: no module installs it (service, port 9443, its certificate and config.yaml)",
		holds:  absentSelfService, inject: func(h *host) { h.add(kindPackage, "name", "cacert-selfservice-api") }},
	puppetDeviation,
	dbusDeviation,
	{item: "port origins",
		reason: "the seed names no firewall: 5665 (monitor) is not restricted by the host, like the ANY ports"},
	{item: "postfix virtual table",
		reason: "not among the seed's Postfix files: maps the /etc/aliases names at cacert.org to the local names (example README)",
		holds:  presentVirtual},
	sshfpDeviation,
	{item: "packages",
		reason: "the seed lists none: the example installs what its items imply, emailout's admin packages and dovecot-lmtpd (LMTP delivery)"},
	{item: "pysieved",
		reason: "long gone: Dovecot's own ManageSieve serves 4190 with the community certificate (modules/dovecot/README.md)"},
	{item: "database schema",
		reason: "the seed names the database and its roles, not its schema: the example's tables and views are minimal (modules/mariadb/README.md)"},
	locationDeviation,
}

// selfServiceCertificate: the self service API's certificate is the
// deviation cacert-selfservice-api's.
func selfServiceCertificate(c seedCert) bool {
	return strings.HasPrefix(c.chain, "/etc/cacert-selfservice-api/")
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

func presentVirtual(p *probe) {
	if ref, ok := p.listed("/etc/postfix/virtual", "virtual_alias_maps"); ok {
		p.table(ref)
	}
}
