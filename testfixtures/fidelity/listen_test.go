package fidelity

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// listener is a TCP port the host listens on, what makes it listen and
// whether only on loopback.
type listener struct {
	port   int
	daemon string
	local  bool
	by     string
	ev     []evidence
}

// listeners are the ports the host's configuration opens, each with the
// evidence it rests on (a daemon listens only when its service runs).
func listeners(h *host) []listener {
	var out []listener
	for _, source := range []func(*host) []listener{postfixListeners, dovecotListeners, nginxListeners,
		mariadbListeners, sshListeners, icingaListeners} {
		out = append(out, source(h)...)
	}
	return out
}

// daemonProbe returns a probe that found daemon's service running, or nil.
func daemonProbe(h *host, unit string) *probe {
	q := &probe{h: h}
	if !q.running(unit) {
		return nil
	}
	return q
}

func postfixListeners(h *host) []listener {
	q := daemonProbe(h, "postfix")
	if q == nil {
		return nil
	}
	f, ok := q.file(masterCF)
	if !ok {
		return nil
	}
	// Defaults need no line: inet_interfaces is not relied on.
	iface, _ := (&probe{h: h}).param("inet_interfaces")
	var out []listener
	for _, e := range masterEntries(f.attrs["content"]) {
		if e.typ != "inet" {
			continue
		}
		port, local := e.port()
		ev := append([]evidence{{addr: f.addr, line: e.line}}, q.evidence...)
		out = append(out, listener{port: port, daemon: "postfix", local: local || allLoopback(iface),
			by: "master.cf " + e.name, ev: ev})
	}
	return out
}

// allLoopback reports whether a list of addresses names loopback only.
func allLoopback(list string) bool {
	f := strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' })
	for _, a := range f {
		if !loopback(a) && a != "loopback-only" {
			return false
		}
	}
	return len(f) > 0
}

// dovecotPorts are the login services' listeners by protocol.
var dovecotPorts = map[string][]struct {
	section string
	port    int
	tls     bool
}{
	"imap":  {{"service imap-login/inet_listener imap", 143, false}, {"service imap-login/inet_listener imaps", 993, true}},
	"pop3":  {{"service pop3-login/inet_listener pop3", 110, false}, {"service pop3-login/inet_listener pop3s", 995, true}},
	"sieve": {{"service managesieve-login/inet_listener sieve", 4190, false}},
}

func dovecotListeners(h *host) []listener {
	q := daemonProbe(h, "dovecot")
	if q == nil {
		return nil
	}
	protocols, _ := q.dovecot("", "protocols")
	// Defaults need no line: listen, ssl and the ports are not relied on.
	quiet := &probe{h: h}
	listen, _ := quiet.dovecot("", "listen")
	ssl, _ := quiet.dovecot("", "ssl")
	var out []listener
	for _, proto := range strings.Fields(protocols) {
		for _, l := range dovecotPorts[proto] {
			port := l.port
			if v, ok := quiet.dovecot(l.section, "port"); ok {
				port, _ = strconv.Atoi(v)
			}
			if port == 0 || (l.tls && ssl == "no") {
				continue
			}
			out = append(out, listener{port: port, daemon: "dovecot", local: allLoopback(listen),
				by: "dovecot protocol " + proto, ev: q.evidence})
		}
	}
	return out
}

// nginxSite is an enabled nginx file and the link enabling it, if any.
type nginxSite struct {
	file resource
	link *resource
}

// nginxSites are the files nginx reads: nginx.conf, conf.d/*.conf and
// sites-enabled/*, written there or linked there from sites-available.
func nginxSites(h *host) []nginxSite {
	var out []nginxSite
	for _, r := range h.files("/etc/nginx/") {
		path := r.attrs["path"]
		switch {
		case r.attrs["ensure"] == "link":
		case path == "/etc/nginx/nginx.conf", strings.HasPrefix(path, "/etc/nginx/sites-enabled/"),
			strings.HasPrefix(path, "/etc/nginx/conf.d/") && strings.HasSuffix(path, ".conf"):
			out = append(out, nginxSite{file: r})
		default:
			for _, l := range h.find(kindFile, "target", path) {
				if strings.HasPrefix(l.attrs["path"], "/etc/nginx/sites-enabled/") && l.attrs["ensure"] == "link" {
					out = append(out, nginxSite{file: r, link: &l})
				}
			}
		}
	}
	return out
}

func (s nginxSite) evidence(line string) []evidence {
	ev := []evidence{{addr: s.file.addr}, {addr: s.file.addr, line: line}}
	if s.link != nil {
		ev = append(ev, evidence{addr: s.link.addr})
	}
	return ev
}

var (
	bindPort = regexp.MustCompile(`bind_port\s*=\s*"?(\d+)`)
	bindHost = regexp.MustCompile(`bind_host\s*=\s*"([^"]*)"`)
)

var listenArg = regexp.MustCompile(`^(?:(.*):)?(\d+)$`)

func nginxListeners(h *host) []listener {
	q := daemonProbe(h, "nginx")
	if q == nil {
		return nil
	}
	var out []listener
	for _, site := range nginxSites(h) {
		for _, server := range nginxServers(site.file.attrs["content"]) {
			for _, d := range server {
				if d.name != "listen" || len(d.args) == 0 {
					continue
				}
				m := listenArg.FindStringSubmatch(d.args[0])
				if m == nil {
					continue
				}
				port, _ := strconv.Atoi(m[2])
				out = append(out, listener{port: port, daemon: "nginx", local: loopback(m[1]),
					by: fmt.Sprintf("nginx %s: %s", site.file.attrs["path"], strings.TrimSpace(d.line)),
					ev: append(site.evidence(d.line), q.evidence...)})
			}
		}
	}
	return out
}

// mariadbListeners: the server listens on 3306 where a file under
// /etc/mysql binds it (skip-networking: nowhere).
func mariadbListeners(h *host) []listener {
	q := daemonProbe(h, "mariadb")
	if q == nil {
		return nil
	}
	var out []listener
	for _, f := range h.files("/etc/mysql/") {
		if !strings.HasSuffix(f.attrs["path"], ".cnf") {
			continue
		}
		conf := postconf(f.attrs["content"])
		bind, ok := conf["bind-address"]
		if _, skip := conf["skip-networking"]; skip || !ok {
			continue
		}
		port := 3306
		if s, ok := conf["port"]; ok {
			port, _ = strconv.Atoi(s.value)
		}
		out = append(out, listener{port: port, daemon: "mariadb", local: allLoopback(bind.value),
			by: f.attrs["path"] + ": " + strings.TrimSpace(bind.line),
			ev: append([]evidence{{addr: f.addr, line: bind.line}}, q.evidence...)})
	}
	return out
}

// sshListeners: sshd listens on its Port lines, 22 without one.
func sshListeners(h *host) []listener {
	q := daemonProbe(h, "ssh")
	if q == nil {
		return nil
	}
	var ports []setting
	local := false
	for _, f := range h.files("/etc/ssh/sshd_config") {
		for _, l := range strings.Split(f.attrs["content"], "\n") {
			w := strings.Fields(l)
			switch {
			case len(w) == 2 && strings.EqualFold(w[0], "Port"):
				ports = append(ports, setting{value: w[1], line: l})
			case len(w) == 2 && strings.EqualFold(w[0], "ListenAddress"):
				local = local || loopback(strings.Split(w[1], ":")[0])
			}
		}
	}
	if len(ports) == 0 {
		return []listener{{port: 22, daemon: "ssh", local: local, by: "sshd (default port)", ev: q.evidence}}
	}
	var out []listener
	for _, s := range ports {
		n, _ := strconv.Atoi(s.value)
		out = append(out, listener{port: n, daemon: "ssh", local: local, by: "sshd_config: " + s.line, ev: q.evidence})
	}
	return out
}

// icingaListeners: Icinga 2 listens on 5665 (or its bind_port) once the
// api feature is enabled: features-enabled/api.conf holds, or links to,
// an ApiListener object.
func icingaListeners(h *host) []listener {
	q := daemonProbe(h, "icinga2")
	if q == nil {
		return nil
	}
	const enabled = "/etc/icinga2/features-enabled/api.conf"
	for _, f := range h.files("/etc/icinga2/") {
		var ev []evidence
		switch {
		case f.attrs["path"] == enabled && f.attrs["ensure"] != "link":
		default:
			links := h.find(kindFile, "target", f.attrs["path"])
			if len(links) == 0 || links[0].attrs["path"] != enabled {
				continue
			}
			ev = append(ev, evidence{addr: links[0].addr})
		}
		for _, l := range strings.Split(f.attrs["content"], "\n") {
			if strings.Contains(l, "object ApiListener") {
				port := 5665
				if m := bindPort.FindStringSubmatch(f.attrs["content"]); m != nil {
					port, _ = strconv.Atoi(m[1])
				}
				local := false
				if m := bindHost.FindStringSubmatch(f.attrs["content"]); m != nil {
					local = loopback(m[1])
				}
				ev = append(ev, evidence{addr: f.addr, line: l})
				return []listener{{port: port, daemon: "icinga2", local: local, by: f.attrs["path"] + ": ApiListener",
					ev: append(ev, q.evidence...)}}
			}
		}
	}
	return nil
}
