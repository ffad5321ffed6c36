package fidelity

import (
	"regexp"
	"strconv"
	"strings"
)

// setting is one configuration value and the line that sets it.
type setting struct {
	value string
	line  string
}

// postconf reads main.cf (or any "name = value" file such as a MySQL
// table's): the last setting of a name wins, as in Postfix; a line
// starting with white space continues the one before.
func postconf(content string) map[string]setting {
	out := map[string]setting{}
	last := ""
	for _, l := range strings.Split(content, "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case l[0] == ' ' || l[0] == '\t':
			if s, ok := out[last]; ok {
				s.value += " " + trimmed
				out[last] = s
			}
		default:
			name, value, ok := strings.Cut(l, "=")
			if ok {
				last = strings.TrimSpace(name)
				out[last] = setting{value: strings.TrimSpace(value), line: l}
			}
		}
	}
	return out
}

// masterEntry is one master.cf service and its -o overrides.
type masterEntry struct {
	name, typ, command string
	line               string
	opts               map[string]setting
}

// masterEntries reads master.cf.
func masterEntries(content string) []masterEntry {
	var out []masterEntry
	for _, l := range strings.Split(content, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		args := f
		if l[0] != ' ' && l[0] != '\t' {
			if len(f) < 8 {
				continue
			}
			out = append(out, masterEntry{name: f[0], typ: f[1], command: f[7], line: l, opts: map[string]setting{}})
			args = f[8:]
		}
		if len(out) == 0 {
			continue
		}
		e := &out[len(out)-1]
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "-o" {
				name, value, _ := strings.Cut(args[i+1], "=")
				e.opts[name] = setting{value: value, line: l}
			}
		}
	}
	return out
}

// servicePorts are the master.cf service names of the seed's ports.
var servicePorts = map[string]int{"smtp": 25, "submission": 587, "smtps": 465, "submissions": 465}

// port is where an inet entry listens, and whether only on loopback.
func (e masterEntry) port() (int, bool) {
	addr, service, ok := strings.Cut(e.name, ":")
	if !ok {
		addr, service = "", e.name
	}
	n, known := servicePorts[service]
	if !known {
		n, _ = strconv.Atoi(service)
	}
	return n, loopback(addr)
}

// loopback reports whether an address is the host's own only.
func loopback(addr string) bool {
	addr = strings.Trim(addr, "[]")
	return addr == "localhost" || addr == "::1" || strings.HasPrefix(addr, "127.")
}

// tableRef is a lookup table a Postfix parameter lists.
type tableRef struct {
	typ, path string
}

// tableRefs reads the tables a parameter's value lists.
func tableRefs(value string) []tableRef {
	var out []tableRef
	for _, f := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		f = strings.TrimPrefix(f, "proxy:")
		typ, path, ok := strings.Cut(f, ":")
		if !ok {
			continue
		}
		for _, v := range []string{"$config_directory", "${config_directory}", "$(config_directory)"} {
			path = strings.Replace(path, v, "/etc/postfix", 1)
		}
		out = append(out, tableRef{typ: typ, path: path})
	}
	return out
}

// dovecotSetting is a dovecot.conf setting in its section, such as
// "service imap-login/inet_listener imaps".
type dovecotSetting struct {
	section, name string
	setting
}

// dovecotConf reads dovecot.conf's settings.
func dovecotConf(content string) []dovecotSetting {
	var out []dovecotSetting
	var sections []string
	for _, l := range strings.Split(content, "\n") {
		s := strings.TrimSpace(l)
		switch {
		case s == "" || strings.HasPrefix(s, "#"):
		case strings.HasSuffix(s, "{"):
			sections = append(sections, strings.Join(strings.Fields(strings.TrimSuffix(s, "{")), " "))
		case s == "}":
			if len(sections) > 0 {
				sections = sections[:len(sections)-1]
			}
		default:
			if name, value, ok := strings.Cut(s, "="); ok {
				out = append(out, dovecotSetting{section: strings.Join(sections, "/"), name: strings.TrimSpace(name),
					setting: setting{value: strings.TrimSpace(value), line: l}})
			}
		}
	}
	return out
}

// dovecotGet returns the last setting of name in section.
func dovecotGet(conf []dovecotSetting, section, name string) (setting, bool) {
	var found setting
	ok := false
	for _, s := range conf {
		if s.section == section && s.name == name {
			found, ok = s.setting, true
		}
	}
	return found, ok
}

// directive is an nginx directive and the line it is on.
type directive struct {
	name string
	args []string
	line string
}

var (
	nginxToken   = regexp.MustCompile(`[^\s;{}]+|[;{}]`)
	nginxComment = regexp.MustCompile(`#.*`)
)

// nginxServers reads the server blocks of an nginx file: each one's
// directives, those of blocks inside it included.
func nginxServers(content string) [][]directive {
	var servers [][]directive
	depth, serverDepth := 0, -1
	for _, l := range strings.Split(content, "\n") {
		words := []string{}
		for _, tok := range nginxToken.FindAllString(nginxComment.ReplaceAllString(l, ""), -1) {
			switch tok {
			case "{":
				if len(words) == 1 && words[0] == "server" {
					servers, serverDepth = append(servers, nil), depth
				}
				depth, words = depth+1, nil
			case "}":
				if depth--; depth == serverDepth {
					serverDepth = -1
				}
				words = nil
			case ";":
				if serverDepth >= 0 && len(words) > 0 {
					servers[len(servers)-1] = append(servers[len(servers)-1], directive{name: words[0], args: words[1:], line: l})
				}
				words = nil
			default:
				words = append(words, tok)
			}
		}
	}
	return servers
}
