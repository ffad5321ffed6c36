package confdiff

import (
	"slices"
	"strings"
)

// masterFields names master.cf's columns after service and type.
var masterFields = []string{"private", "unpriv", "chroot", "wakeup", "maxproc"}

// parseMasterCF reads Postfix master.cf: one service per logical line,
// keyed service/type; a service added or removed is one setting
// ("smtp/inet" = "n - y - - smtpd"), a service kept compares each column
// ("smtp/inet chroot") and the command with its arguments ("smtp/inet
// command"); every -o override is a setting of its own
// ("submission/inet -o smtpd_tls_auth_only").
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

// masterService turns the columns after service and type into settings:
// the service whole (its columns and command, as written, but the -o
// overrides), then each column, the command and each override.
func masterService(key string, cols []string) []setting {
	fields := cols[:min(len(cols), len(masterFields))]
	var command, overrides []string
	if len(cols) > len(masterFields) {
		command, overrides = splitOverrides(cols[len(masterFields):])
	}
	var s settings
	s.set(setting{Name: key, Value: strings.Join(append(slices.Clone(fields), command...), " "), whole: true})
	for i, v := range fields {
		s.set(setting{Name: key + " " + masterFields[i], Value: v, of: key})
	}
	if len(cols) > len(masterFields) {
		s.set(setting{Name: key + " command", Value: strings.Join(command, " "), of: key})
	}
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
