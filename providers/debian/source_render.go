package debian

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// sourceFile is one file an apt_source manages: wanted with content, or
// wanted absent.
type sourceFile struct {
	path    string
	content []byte
	present bool
	// what the file is, for plans: "key", "pin", "sources".
	role string
}

// sourcePaths are every file a source named name may manage, in the
// order files() lists them.
func sourcePaths(name string) []string {
	return []string{
		path.Join(keyringsDir, name+".asc"),
		path.Join(keyringsDir, name+".gpg"),
		path.Join(preferencesDir, name+".pref"),
		path.Join(sourcesDir, name+".sources"),
		path.Join(sourcesDir, name+".list"),
	}
}

// files says what becomes of each path of sourcePaths, in the order they
// are installed: the key before the sources file that names it, so apt
// never reads a source whose key is missing. Removals go in reverse.
func (s *source) files() []sourceFile {
	p := sourcePaths(s.name)
	out := []sourceFile{
		{path: p[0], role: "key"}, {path: p[1], role: "key"}, {path: p[2], role: "pin"},
		{path: p[3], role: "sources"}, {path: p[4], role: "sources"},
	}
	if s.absent {
		return out
	}
	if s.key != nil {
		k := &out[1]
		if s.keyArmored {
			k = &out[0]
		}
		k.present, k.content = true, s.key
	}
	if s.pin != nil {
		out[2].present, out[2].content = true, []byte(s.pin.render(s.name))
	}
	list := &out[3]
	if s.oneLine {
		list = &out[4]
	}
	list.present, list.content = true, []byte(s.render())
	return out
}

// keyPath is where the key goes, "" without one.
func (s *source) keyPath() string {
	switch {
	case s.key == nil:
		return ""
	case s.keyArmored:
		return path.Join(keyringsDir, s.name+".asc")
	}
	return path.Join(keyringsDir, s.name+".gpg")
}

func (s *source) header() string {
	return "# Written by tend for apt_source." + s.name + "; local changes are overwritten.\n"
}

// render is the sources file in the configured format.
func (s *source) render() string {
	if s.oneLine {
		return s.renderList()
	}
	var b strings.Builder
	b.WriteString(s.header())
	field := func(name string, values []string) {
		if len(values) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(values, " "))
		}
	}
	field("Types", s.types)
	field("URIs", s.uris)
	field("Suites", s.suites)
	field("Components", s.components)
	field("Architectures", s.archs)
	if k := s.keyPath(); k != "" {
		field("Signed-By", []string{k})
	}
	return b.String()
}

// renderList is the one-line format: a line per type, URI and suite.
func (s *source) renderList() string {
	var opts []string
	if len(s.archs) > 0 {
		opts = append(opts, "arch="+strings.Join(s.archs, ","))
	}
	if k := s.keyPath(); k != "" {
		opts = append(opts, "signed-by="+k)
	}
	options := ""
	if len(opts) > 0 {
		options = " [" + strings.Join(opts, " ") + "]"
	}
	var b strings.Builder
	b.WriteString(s.header())
	for _, t := range s.types {
		for _, u := range s.uris {
			for _, suite := range s.suites {
				line := append([]string{t + options, u, suite}, s.components...)
				b.WriteString(strings.Join(line, " ") + "\n")
			}
		}
	}
	return b.String()
}

// render is the preferences file pinning the source.
func (p *pin) render(name string) string {
	value := p.value
	if p.by == "origin" {
		value = strconv.Quote(value)
	}
	return fmt.Sprintf("Explanation: Written by tend for apt_source.%s; local changes are overwritten.\nPackage: %s\nPin: %s %s\nPin-Priority: %d\n",
		name, strings.Join(p.packages, " "), p.by, value, p.priority)
}
