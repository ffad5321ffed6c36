package fidelity

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// portDaemons says which daemon serves each port of the seed's
// "Listening services" table.
var portDaemons = map[int]string{
	22: "ssh", 25: "postfix", 465: "postfix", 587: "postfix", 80: "nginx", 443: "nginx",
	110: "dovecot", 143: "dovecot", 993: "dovecot", 995: "dovecot", 4190: "dovecot",
	3306: "mariadb", 5665: "icinga2",
}

// deviatedPorts are the seed's ports a deviation concerns.
var deviatedPorts = map[int]string{9443: "cacert-selfservice-api"}

// portChecks: each listening port of the seed's table (rows) but those
// of skip (a deviation's) is opened by its daemon, on all addresses or
// (origin local) on loopback only; nothing else listens.
func portChecks(t *testing.T, rows []map[string]string, skip map[int]string) []check {
	t.Helper()
	var out []check
	documented := map[int]bool{}
	for _, row := range rows {
		port, err := strconv.Atoi(strings.TrimSuffix(row["Port"], "/tcp"))
		if err != nil {
			t.Fatalf("the seed's port %q is not a TCP port", row["Port"])
		}
		documented[port] = true
		if _, ok := skip[port]; ok {
			continue
		}
		daemon, origin := portDaemons[port], row["Origin"]
		out = append(out, check{name: fmt.Sprintf("ports/%d %s", port, row["Service"]),
			run: func(p *probe) { checkPort(p, port, daemon, origin) }})
	}
	out = append(out, check{name: "ports/nothing else listens",
		run: func(p *probe) {
			for _, l := range listeners(p.h) {
				if !documented[l.port] {
					p.errorf("%s listens on %d, a port the seed does not list", l.by, l.port)
				}
			}
		},
		inject: func(h *host) {
			h.appendLine(masterCF, "2525       inet  n       -       y       -       -       smtpd")
		}})
	return out
}

// checkPort: daemon, and only it, listens on port, as origin says.
func checkPort(p *probe, port int, daemon, origin string) {
	if daemon == "" {
		p.errorf("the test knows no daemon for port %d: add it to portDaemons", port)
		return
	}
	var found []listener
	for _, l := range listeners(p.h) {
		if l.port == port {
			found = append(found, l)
		}
	}
	if len(found) == 0 {
		p.errorf("nothing listens on %d/tcp; %s should (its service running and its configuration opening the port)", port, daemon)
		return
	}
	common := found[0].ev
	for _, l := range found {
		if l.daemon != daemon {
			p.errorf("%s listens on %d, the seed's port for %s", l.by, port, daemon)
		}
		if l.local != (origin == "local") {
			p.errorf("%s: listening on loopback only is %v, but the seed's origin is %s", l.by, l.local, origin)
		}
		common = slices.DeleteFunc(slices.Clone(common), func(e evidence) bool { return !slices.Contains(l.ev, e) })
	}
	p.rely(common...)
	if port == 80 {
		redirects(p)
	}
}

// redirects: every server nginx runs on port 80 sends clients to https.
func redirects(p *probe) {
	for _, site := range nginxSites(p.h) {
		for _, server := range nginxServers(site.file.attrs["content"]) {
			if !slices.ContainsFunc(server, func(d directive) bool { return d.name == "listen" && listensOn(d, 80) }) {
				continue
			}
			var evs []evidence
			for _, d := range server {
				if d.name == "return" && len(d.args) == 2 && strings.HasPrefix(d.args[1], "https://") && strings.HasPrefix(d.args[0], "30") {
					evs = append(evs, evidence{addr: site.file.addr, line: d.line})
				}
			}
			if len(evs) == 0 {
				p.errorf("%s: the server on port 80 does not redirect to https (return 301 https://...)", site.file.attrs["path"])
			}
			p.relyOnly(evs)
		}
	}
}

// listensOn reports whether a listen directive opens port.
func listensOn(d directive, port int) bool {
	if len(d.args) == 0 {
		return false
	}
	m := listenArg.FindStringSubmatch(d.args[0])
	return m != nil && m[2] == strconv.Itoa(port)
}

// serviceUnits are the systemd units of the seed's "Running services"
// whose start mechanism does not name one.
var serviceUnits = map[string]string{
	"cron": "cron", "dbus-daemon": "dbus", "dovecot": "dovecot", "fail2ban": "fail2ban", "icinga2": "icinga2",
	"MariaDB": "mariadb", "nginx": "nginx", "openssh server": "ssh", "Postfix": "postfix",
	"Puppet agent": "puppet", "rsyslog": "rsyslog",
}

var namedUnit = regexp.MustCompile(`^systemd unit (\S+)\.service$`)

// unit is the systemd unit of a row of the seed's "Running services":
// the one its start mechanism names, or serviceUnits'.
func unit(row map[string]string) (string, bool) {
	if m := namedUnit.FindStringSubmatch(row["Start mechanism"]); m != nil {
		return m[1], true
	}
	u, ok := serviceUnits[row["Service"]]
	return u, ok
}

// serviceChecks: each running service of the seed's table (rows) is a
// service resource ensured running and enabled, but those of devs; no
// other service runs (a deviation's may, when it says so).
func serviceChecks(rows []map[string]string, devs []deviation) []check {
	var out []check
	allowed := map[string]bool{}
	for _, row := range rows {
		name := row["Service"]
		u, ok := unit(row)
		if d, dev := deviated(devs, name); dev {
			allowed[u] = ok && d.mayRun
			continue
		}
		allowed[u] = ok
		out = append(out, check{name: "services/" + name, run: func(p *probe) {
			if !ok {
				p.errorf("the test knows no unit for the seed's service %q: add it to serviceUnits", name)
				return
			}
			p.running(u)
		}})
	}
	out = append(out, check{name: "services/no other service runs",
		run: func(p *probe) {
			for _, r := range p.h.res {
				u := strings.TrimSuffix(r.attrs["name"], ".service")
				if r.kind == kindService && r.attrs["ensure"] == "running" && !allowed[u] {
					p.errorf("%s runs %s, which the seed does not list", r.addr, u)
				}
			}
		},
		inject: func(h *host) {
			r := h.add(kindService, "name", "apache2")
			r.attrs["ensure"], r.bools["enable"] = "running", true
		}})
	return out
}
