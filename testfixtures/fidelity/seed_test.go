package fidelity

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// seedPath is the documented emailout host, as the project keeps it.
const seedPath = "../seeds/emailout-host.txt"

// readSeed returns the emailout seed's lines.
func readSeed(t *testing.T) []string {
	t.Helper()
	return seedLines(t, seedPath)
}

// seedLines returns the lines of the seed at path.
func seedLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
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

// seedTable returns the rows of the first table after the line that is
// heading, each row by its header's column names. The seed's tables are
// one cell a line, each ending in "|", the header row closed by a
// "---|---|" line; a line without "|" ends the table.
func seedTable(t *testing.T, lines []string, heading string) []map[string]string {
	t.Helper()
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == heading {
			start = i + 1
			break
		}
	}
	var header []string
	var rows []map[string]string
	var row []string
	for i := start; start >= 0 && i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		switch {
		case header == nil && strings.HasPrefix(l, "---|"):
			header = row
			row = nil
		case !strings.HasSuffix(l, "|"):
			if header != nil {
				i = len(lines)
			}
		default:
			row = append(row, strings.TrimSpace(strings.TrimSuffix(l, "|")))
			if header != nil && len(row) == len(header) {
				r := map[string]string{}
				for j, h := range header {
					r[h] = row[j]
				}
				rows = append(rows, r)
				row = nil
			}
		}
	}
	if len(rows) == 0 {
		t.Fatalf("the seed has no table under %q", heading)
	}
	return rows
}

// cellTable returns the rows of the table between the lines containing
// from and to in a seed whose tables are one cell a paragraph (the
// emailout seed's), each row by header's column names. The table's first
// cells must be header's names, and the rest whole rows.
func cellTable(t *testing.T, lines []string, from, to string, header ...string) []map[string]string {
	t.Helper()
	var cells []string
	for _, l := range quoted(t, lines, from, to) {
		cells = append(cells, strings.TrimSpace(l))
	}
	if len(cells) <= len(header) || !slices.Equal(cells[:len(header)], header) || len(cells)%len(header) != 0 {
		t.Fatalf("the seed's table under %q is not one of whole rows of %v: %q", from, header, cells)
	}
	var rows []map[string]string
	for i := len(header); i < len(cells); i += len(header) {
		r := map[string]string{}
		for j, h := range header {
			r[h] = cells[i+j]
		}
		rows = append(rows, r)
	}
	return rows
}

// unbullet is a seed's line without its indentation and list bullet.
func unbullet(l string) string {
	return strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "•"))
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
