package confdiff

import "strings"

// parseDovecot reads Dovecot's configuration: `key = value` settings
// inside nested `section [name] {` ... `}` blocks, each named by the path
// of its sections ("service imap-login/inet_listener imaps/port"), and
// !include and !include_try lines as entries of the section they are in.
// A # starting a line, or following a blank outside quotes, starts a
// comment. An unbalanced } is ignored; what is nested deeper than
// maxDovecotDepth sections is left out.
func parseDovecot(b []byte) []setting {
	p := dovecotParser{}
	for _, l := range lines(b) {
		p.line(stripComment(l))
	}
	return p.s.list
}

// maxDovecotDepth bounds the nesting a setting's name spells out, so that
// a file of a million { does not name each setting with all of them.
const maxDovecotDepth = 32

type dovecotParser struct {
	sections []string
	// deeper counts the open sections beyond maxDovecotDepth.
	deeper int
	s      settings
}

// line reads one line, which may open and close sections around a setting.
func (p *dovecotParser) line(t string) {
	for {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			return
		case t[0] == '}':
			p.close()
			t = t[1:]
			continue
		case strings.HasPrefix(t, "!include"):
			if f := strings.Fields(t); p.deeper == 0 {
				p.s.set(setting{Name: p.path(f[0]), Value: strings.Join(f[1:], " "), Entry: true})
			}
			return
		}
		eq, brace := strings.IndexByte(t, '='), strings.IndexByte(t, '{')
		if eq >= 0 && (brace < 0 || eq < brace) {
			p.setting(t[:eq], t[eq+1:])
			return
		}
		if brace < 0 {
			return
		}
		p.open(normalize(t[:brace]))
		t = t[brace+1:]
	}
}

// setting records key = value; a value ending in a } that it does not
// open (`section { key = value }`) closes the section.
func (p *dovecotParser) setting(key, value string) {
	value = strings.TrimSpace(value)
	closes := strings.Count(value, "}") > strings.Count(value, "{") && strings.HasSuffix(value, "}")
	if closes {
		value = strings.TrimSuffix(value, "}")
	}
	if key = strings.TrimSpace(key); key != "" && p.deeper == 0 {
		p.s.set(setting{Name: p.path(key), Value: normalize(value)})
	}
	if closes {
		p.close()
	}
}

func (p *dovecotParser) open(name string) {
	if len(p.sections) == maxDovecotDepth {
		p.deeper++
		return
	}
	p.sections = append(p.sections, name)
}

func (p *dovecotParser) close() {
	if p.deeper > 0 {
		p.deeper--
		return
	}
	if len(p.sections) > 0 {
		p.sections = p.sections[:len(p.sections)-1]
	}
}

func (p *dovecotParser) path(name string) string {
	return strings.Join(append(p.sections[:len(p.sections):len(p.sections)], name), "/")
}

// stripComment cuts a line at a # that follows a blank outside double
// quotes.
func stripComment(l string) string {
	quoted := false
	for i := 0; i < len(l); i++ {
		switch {
		case l[i] == '"':
			quoted = !quoted
		case l[i] == '#' && !quoted && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
			return l[:i]
		}
	}
	return l
}
