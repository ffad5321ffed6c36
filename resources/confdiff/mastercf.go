package confdiff

import "strings"

// masterFields names master.cf's columns after service and type.
var masterFields = []string{"private", "unpriv", "chroot", "wakeup", "maxproc"}

// parseMasterCF reads Postfix master.cf: one service per logical line,
// keyed service/type, each column a setting ("smtp/inet chroot"), the
// command with its arguments one more ("smtp/inet command") and every
// -o override a setting of its own ("submission/inet -o smtpd_tls_auth_only").
// A service defined again replaces the earlier definition whole.
func parseMasterCF(b []byte) []setting {
	var order []string
	services := map[string][]setting{}
	for _, l := range logicalLines(b) {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		key := f[0] + "/" + f[1]
		if _, ok := services[key]; !ok {
			order = append(order, key)
		}
		services[key] = masterService(key, f[2:])
	}
	var out []setting
	for _, k := range order {
		out = append(out, services[k]...)
	}
	return out
}

// masterService turns the columns after service and type into settings.
func masterService(key string, cols []string) []setting {
	var s settings
	for i, name := range masterFields {
		if i < len(cols) {
			s.set(setting{Name: key + " " + name, Value: cols[i]})
		}
	}
	if len(cols) <= len(masterFields) {
		return s.list
	}
	command, overrides := splitOverrides(cols[len(masterFields):])
	s.set(setting{Name: key + " command", Value: strings.Join(command, " ")})
	for _, o := range overrides {
		name, value, _ := strings.Cut(o, "=")
		s.set(setting{Name: key + " -o " + strings.TrimSpace(name), Value: normalize(value)})
	}
	return s.list
}

// splitOverrides separates a command's -o name=value overrides (also
// written -oname=value and -o { name = value }) from its other words.
func splitOverrides(words []string) (command, overrides []string) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "-o" && i+1 < len(words) && strings.HasPrefix(words[i+1], "{"):
			end := i + 1
			for end < len(words)-1 && !strings.HasSuffix(words[end], "}") {
				end++
			}
			group := strings.Join(words[i+1:end+1], " ")
			overrides = append(overrides, strings.TrimSuffix(strings.TrimPrefix(group, "{"), "}"))
			i = end
		case w == "-o" && i+1 < len(words):
			overrides = append(overrides, words[i+1])
			i++
		case strings.HasPrefix(w, "-o") && len(w) > 2:
			overrides = append(overrides, w[2:])
		default:
			command = append(command, w)
		}
	}
	return command, overrides
}
