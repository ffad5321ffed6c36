package fidelity

import (
	"os"
	"strings"
	"testing"
)

// seedPath is the documented emailout host, as the project keeps it.
const seedPath = "../seeds/emailout-host.txt"

// readSeed returns the seed's lines.
func readSeed(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// quoted returns the lines after the first line containing from, up to
// (not including) the first line after it that contains to, with blank
// lines dropped. The test fails when either marker is missing: an edited
// seed must not silently compare nothing.
func quoted(t *testing.T, lines []string, from, to string) []string {
	t.Helper()
	start := -1
	for i, l := range lines {
		if start < 0 && strings.Contains(l, from) {
			start = i + 1
			continue
		}
		if start >= 0 && strings.Contains(l, to) {
			return nonBlank(lines[start:i])
		}
	}
	t.Fatalf("the seed has no block from %q to %q", from, to)
	return nil
}

// nonBlank drops empty and white-space-only lines.
func nonBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// settings reads "name = value" (or "name=value") lines into a map,
// skipping comments and blank lines, and normalising white space around
// the = and inside the value. A name set twice fails the test.
func settings(t *testing.T, lines []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, value, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("not a setting: %q", l)
		}
		name = strings.TrimSpace(name)
		if _, dup := out[name]; dup {
			t.Fatalf("%s is set twice", name)
		}
		out[name] = strings.Join(strings.Fields(value), " ")
	}
	return out
}

// fields splits each line that is not a comment into its white-space
// separated fields: a table's key and value, an opendkim.conf setting.
func fields(lines []string) [][]string {
	var out [][]string
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			out = append(out, f)
		}
	}
	return out
}
