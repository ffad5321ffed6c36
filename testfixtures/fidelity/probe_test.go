package fidelity

import (
	"regexp"
	"strings"
)

// Paths the checks read.
const (
	mainCF     = "/etc/postfix/main.cf"
	masterCF   = "/etc/postfix/master.cf"
	dovecotCF  = "/etc/dovecot/dovecot.conf"
	sshdConfig = "/etc/ssh/sshd_config"
	aliasesTxt = "/etc/aliases"
	resolvConf = "/etc/resolv.conf"
)

// file returns the file with content at path, relying on it.
func (p *probe) file(path string) (resource, bool) {
	for _, r := range p.h.files(path) {
		if r.attrs["path"] == path {
			p.rely(evidence{addr: r.addr})
			return r, true
		}
	}
	p.errorf("no file resource writes %s", path)
	return resource{}, false
}

// running checks that a service resource keeps unit enabled and running.
func (p *probe) running(unit string) bool {
	for _, r := range p.h.res {
		if r.kind == kindService && strings.TrimSuffix(r.attrs["name"], ".service") == unit {
			p.rely(evidence{addr: r.addr})
			if r.attrs["ensure"] != "running" || !r.bools["enable"] {
				p.errorf("service %s is not ensured running and enabled (ensure %q, enable %v)", unit, r.attrs["ensure"], r.bools["enable"])
				return false
			}
			return true
		}
	}
	p.errorf("no service resource keeps %s enabled and running", unit)
	return false
}

// pkg checks that the Debian package name is installed.
func (p *probe) pkg(name string) bool {
	for _, r := range p.h.res {
		if n, _, _ := strings.Cut(r.attrs["name"], ":"); r.kind == kindPackage && n == name {
			p.rely(evidence{addr: r.addr})
			return true
		}
	}
	p.errorf("package %s is not installed", name)
	return false
}

// param is main.cf's setting of name, relying on its line.
func (p *probe) param(name string) (string, bool) {
	f, ok := p.file(mainCF)
	if !ok {
		return "", false
	}
	s, ok := postconf(f.attrs["content"])[name]
	if ok {
		p.rely(evidence{addr: f.addr, line: s.line})
	}
	return s.value, ok
}

// entry is the master.cf inet smtpd entry listening on port.
func (p *probe) entry(port int) (masterEntry, bool) {
	f, ok := p.file(masterCF)
	if !ok {
		return masterEntry{}, false
	}
	for _, e := range masterEntries(f.attrs["content"]) {
		if n, _ := e.port(); n == port && e.typ == "inet" && e.command == "smtpd" {
			p.rely(evidence{addr: f.addr, line: e.line})
			return e, true
		}
	}
	p.errorf("master.cf has no inet smtpd service on port %d", port)
	return masterEntry{}, false
}

// effective is what the smtpd of e uses for name: its -o override, or
// main.cf's setting.
func (p *probe) effective(e masterEntry, name string) string {
	if s, ok := e.opts[name]; ok {
		f, _ := p.file(masterCF)
		p.rely(evidence{addr: f.addr, line: s.line})
		return s.value
	}
	v, _ := p.param(name)
	return v
}

// table returns the source of a table main.cf lists, relying on the file
// and, for the types Postfix reads from a built map, on the map resource.
func (p *probe) table(ref tableRef) (string, bool) {
	f, ok := p.file(ref.path)
	if !ok {
		return "", false
	}
	switch ref.typ {
	case "hash", "btree", "cdb", "lmdb":
		maps := p.h.find(kindMap, "path", ref.path)
		if len(maps) == 0 || maps[0].attrs["type"] != ref.typ {
			p.errorf("%s is listed as %s but no postfix_map of that type builds it", ref.path, ref.typ)
			return "", false
		}
		p.rely(evidence{addr: maps[0].addr})
	}
	return f.attrs["content"], true
}

// listed returns the tables at path that main.cf lists under one of
// params, relying on the parameter's line.
func (p *probe) listed(path string, params ...string) (tableRef, bool) {
	for _, name := range params {
		if v, ok := p.param(name); ok {
			for _, ref := range tableRefs(v) {
				if ref.path == path {
					return ref, true
				}
			}
		}
	}
	p.errorf("main.cf lists %s under none of %v", path, params)
	return tableRef{}, false
}

// dovecot is dovecot.conf's setting of name in section.
func (p *probe) dovecot(section, name string) (string, bool) {
	f, ok := p.file(dovecotCF)
	if !ok {
		return "", false
	}
	s, ok := dovecotGet(dovecotConf(f.attrs["content"]), section, name)
	if ok {
		p.rely(evidence{addr: f.addr, line: s.line})
	}
	return s.value, ok
}

// line returns the lines of the file at path matching re, relying on the
// line when it is the only one.
func (p *probe) lines(path string, re *regexp.Regexp) []string {
	f, ok := p.file(path)
	if !ok {
		return nil
	}
	var found []string
	var evs []evidence
	for _, l := range strings.Split(f.attrs["content"], "\n") {
		if re.MatchString(l) {
			found = append(found, l)
			evs = append(evs, evidence{addr: f.addr, line: l})
		}
	}
	p.relyOnly(evs)
	return found
}

// schema returns the SQL file under /etc/mysql that creates the database.
func (p *probe) schema() (resource, bool) {
	for _, r := range p.h.files("/etc/mysql/") {
		if strings.Contains(r.attrs["content"], "CREATE DATABASE") {
			p.rely(evidence{addr: r.addr})
			return r, true
		}
	}
	p.errorf("no file under /etc/mysql creates a database")
	return resource{}, false
}

// view returns the definition of the view name in the schema, relying on
// its line.
func (p *probe) view(name string) (string, bool) {
	s, ok := p.schema()
	if !ok {
		return "", false
	}
	re := regexp.MustCompile("(?i)^CREATE (OR REPLACE )?VIEW `?" + regexp.QuoteMeta(name) + "`? AS (.*)$")
	for _, l := range strings.Split(s.attrs["content"], "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			p.rely(evidence{addr: s.addr, line: l})
			return m[2], true
		}
	}
	p.errorf("the schema defines no view %s", name)
	return "", false
}
