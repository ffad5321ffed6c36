package config_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
)

// The fixtures under testfixtures/ are node repositories. Every repository
// under invalid/ carries the diagnostics it must produce as comments in the
// file the diagnostic points at (see testfixtures/README.md):
//
//	# expect-error: LINE:COL SUMMARY
//	# expect-error: LINE:COL SUMMARY; DETAIL
//	# expect-error: FILE:LINE:COL SUMMARY; DETAIL
//
// SUMMARY must equal the diagnostic's summary; DETAIL, when given, must be
// found in its detail, where " ... " stands for any text. The comment sits
// on the line it names or directly above it (several expectations may be
// stacked above one line). FILE, relative to the repository, is only for
// diagnostics in files that cannot hold comments (templates); such an
// expectation is written next to what uses the file. Every repository under
// valid/ must load without a diagnostic.

const fixtureRoot = "../testfixtures"

// expectComment finds an expectation in a line of a fixture file.
var expectComment = regexp.MustCompile(`(?:#|//)\s*expect-(error|warning):\s*(.*?)\s*$`)

// expectBody splits what follows "expect-error:".
var expectBody = regexp.MustCompile(`^(?:([^\s:]+):)?(\d+):(\d+)\s+([^;]+?)(?:;\s*(.*))?$`)

// rendered parses the first line WriteDiagnostics prints for a diagnostic.
var rendered = regexp.MustCompile(`(?s)^(\S+?):(\d+):(\d+): (error|warning): (.*)$`)

type expectation struct {
	file      string // where the diagnostic is: slash path relative to the repository
	in        string // the file the comment is written in
	at        int    // the line the comment is written on
	line, col int
	severity  string
	summary   string
	detail    string // pattern; "" matches any detail
	matched   bool
}

func (e *expectation) String() string {
	s := fmt.Sprintf("%s:%d:%d: %s: %s", e.file, e.line, e.col, e.severity, e.summary)
	if e.detail != "" {
		s += "; " + e.detail
	}
	return s
}

// reported is one diagnostic as WriteDiagnostics renders it.
type reported struct {
	file      string
	line, col int
	severity  string
	summary   string
	detail    string
	text      string // the whole rendering, excerpt included
}

// detailMatches reports whether every " ... "-separated fragment of pattern
// occurs in detail, in order.
func detailMatches(pattern, detail string) bool {
	for _, frag := range strings.Split(pattern, " ... ") {
		i := strings.Index(detail, frag)
		if i < 0 {
			return false
		}
		detail = detail[i+len(frag):]
	}
	return true
}

// readExpectations collects the expectation comments of every .hcl file in
// a repository, with problems in how they are written.
func readExpectations(dir string) ([]*expectation, []string) {
	var out []*expectation
	var problems []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".hcl") {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var lines []string
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		for i, l := range lines {
			m := expectComment.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			at := i + 1
			body := expectBody.FindStringSubmatch(m[2])
			if body == nil {
				problems = append(problems, fmt.Sprintf("%s:%d: malformed expectation %q; want [FILE:]LINE:COL SUMMARY[; DETAIL]", rel, at, m[2]))
				continue
			}
			line, _ := strconv.Atoi(body[2])
			col, _ := strconv.Atoi(body[3])
			e := &expectation{file: rel, in: rel, at: at, line: line, col: col, severity: m[1],
				summary: strings.TrimSpace(body[4]), detail: strings.TrimSpace(body[5])}
			if body[1] != "" {
				if strings.HasSuffix(body[1], ".hcl") {
					problems = append(problems, fmt.Sprintf("%s:%d: write the expectation in %s itself", rel, at, body[1]))
				}
				e.file = body[1]
				out = append(out, e)
				continue
			}
			// The comment is on the line it names, or above it with only
			// other expectations in between.
			next := at + 1
			for next <= len(lines) && expectComment.MatchString(lines[next-1]) && !isCodeLine(lines[next-1]) {
				next++
			}
			if line != at && line != next {
				problems = append(problems, fmt.Sprintf("%s:%d: expectation names line %d; write it on that line or directly above it", rel, at, line))
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return out, problems
}

// isCodeLine reports whether a line holds something besides a comment.
func isCodeLine(l string) bool {
	t := strings.TrimSpace(l)
	return !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "//")
}

// loadAll opens a repository and builds every node's catalog, the way
// `tend validate` does. It returns the diagnostics of each step, rendered
// with WriteDiagnostics, with duplicates across nodes folded (an error in a
// role file is reported by every node having the role), and problems: a
// diagnostic reported twice by one step.
func loadAll(dir string) ([]reported, []string) {
	repo, diags := config.Open(config.Options{
		Repo: dir, Library: modules.Library, Registry: providers.Builtin(),
	})
	steps := []hcl.Diagnostics{diags}
	for _, n := range repo.Nodes() {
		cat, d := repo.Catalog(n)
		if cat == nil && !d.HasErrors() {
			d = append(d, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "no catalog and no error for node " + n})
		}
		steps = append(steps, d)
	}
	src := repo.Sources()
	seen := map[string]bool{}
	var out []reported
	var problems []string
	for _, step := range steps {
		inStep := map[string]bool{}
		for _, d := range step {
			r := render(d, src)
			if inStep[r.text] {
				problems = append(problems, "reported twice by one load:\n"+r.text)
			}
			inStep[r.text] = true
			if !seen[r.text] {
				seen[r.text] = true
				out = append(out, r)
			}
		}
	}
	return out, problems
}

func render(d *hcl.Diagnostic, src config.Sources) reported {
	var buf bytes.Buffer
	config.WriteDiagnostics(&buf, hcl.Diagnostics{d}, src)
	text := buf.String()
	r := reported{text: text}
	m := rendered.FindStringSubmatch(text)
	if m == nil {
		r.severity, r.summary = "error", text
		return r
	}
	r.file, r.severity = m[1], m[4]
	r.line, _ = strconv.Atoi(m[2])
	r.col, _ = strconv.Atoi(m[3])
	msg := strings.TrimSuffix(m[5], "\n")
	// Drop the source excerpt: the gutter line and the caret line.
	if i := strings.Index(msg, fmt.Sprintf("\n%5d | ", r.line)); i >= 0 {
		msg = msg[:i]
	}
	r.summary, r.detail, _ = strings.Cut(msg, "; ")
	return r
}

// checkInvalid loads an invalid repository and returns every way its
// diagnostics differ from its expectations; none means the case passes.
func checkInvalid(dir string) []string {
	exps, problems := readExpectations(dir)
	if len(exps) == 0 {
		problems = append(problems, "no expect-error comment in any .hcl file")
	}
	got, p := loadAll(dir)
	problems = append(problems, p...)
	errors := 0
	for _, r := range got {
		if r.severity == "error" {
			errors++
		}
	}
	if errors == 0 {
		problems = append(problems, "the repository loads without errors")
	}
	used := make([]bool, len(got))
	for _, e := range exps {
		var near []string
		for i, r := range got {
			if used[i] || r.file != e.file || r.line != e.line || r.col != e.col ||
				r.severity != e.severity || r.summary != e.summary {
				if !used[i] && r.file == e.file && r.line == e.line {
					near = append(near, strings.TrimRight(r.text, "\n"))
				}
				continue
			}
			if e.detail != "" && !detailMatches(e.detail, r.detail) {
				near = append(near, strings.TrimRight(r.text, "\n"))
				continue
			}
			used[i], e.matched = true, true
			break
		}
		if !e.matched {
			msg := fmt.Sprintf("expected (%s:%d) not reported: %s", e.in, e.at, e)
			if len(near) > 0 {
				msg += "\n  on that line instead:\n" + indent(strings.Join(near, "\n"), "    ")
			}
			problems = append(problems, msg)
		}
	}
	for i, r := range got {
		if !used[i] {
			problems = append(problems, "unexpected diagnostic:\n"+indent(strings.TrimRight(r.text, "\n"), "    "))
		}
	}
	return problems
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func caseDirs(t *testing.T, kind string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(fixtureRoot, kind))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	sort.Strings(dirs)
	if len(dirs) == 0 {
		t.Fatalf("no fixtures under %s/%s", fixtureRoot, kind)
	}
	return dirs
}

func TestInvalidFixtures(t *testing.T) {
	for _, name := range caseDirs(t, "invalid") {
		t.Run(name, func(t *testing.T) {
			for _, p := range checkInvalid(filepath.Join(fixtureRoot, "invalid", name)) {
				t.Error(p)
			}
		})
	}
}

func TestValidFixtures(t *testing.T) {
	for _, name := range caseDirs(t, "valid") {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(fixtureRoot, "valid", name)
			if exps, _ := readExpectations(dir); len(exps) > 0 {
				t.Errorf("a valid fixture carries expectations: %s", exps[0])
			}
			got, problems := loadAll(dir)
			for _, p := range problems {
				t.Error(p)
			}
			for _, r := range got {
				t.Errorf("diagnostic:\n%s", r.text)
			}
			repo, _ := config.Open(config.Options{Repo: dir, Library: modules.Library, Registry: providers.Builtin()})
			if len(repo.Nodes()) == 0 {
				t.Error("no nodes")
			}
			for _, n := range repo.Nodes() {
				if cat, _ := repo.Catalog(n); cat != nil && len(cat.Instances) == 0 {
					t.Errorf("node %s has no resources", n)
				}
			}
		})
	}
}

// TestFixtureCheckerFails makes sure the checker above can fail: a copy of
// an invalid fixture with a wrong line, column, summary or detail in its
// expectation, or without it, must be reported.
func TestFixtureCheckerFails(t *testing.T) {
	src := filepath.Join(fixtureRoot, "invalid", "cycle-depends-on")
	const file = "nodes/web.hcl"
	orig, err := os.ReadFile(filepath.Join(src, file))
	if err != nil {
		t.Fatal(err)
	}
	if p := checkInvalid(src); len(p) > 0 {
		t.Fatalf("the unchanged fixture fails: %v", p)
	}
	m := regexp.MustCompile(`expect-error: (\d+):(\d+) ([^;\n]+); ([^\n]+)`).FindSubmatch(orig)
	if m == nil {
		t.Fatalf("no expectation with a detail in %s", file)
	}
	line, _ := strconv.Atoi(string(m[1]))
	col, _ := strconv.Atoi(string(m[2]))
	summary, detail := string(m[3]), string(m[4])
	mutations := map[string]string{
		"wrong column":  fmt.Sprintf("expect-error: %d:%d %s; %s", line, col+1, summary, detail),
		"wrong line":    fmt.Sprintf("expect-error: %d:%d %s; %s", line+1, col, summary, detail),
		"wrong summary": fmt.Sprintf("expect-error: %d:%d %s; %s", line, col, summary+"s", detail),
		"wrong detail":  fmt.Sprintf("expect-error: %d:%d %s; %s", line, col, summary, detail+" -> nowhere"),
		"missing":       "nothing expected here",
	}
	for name, repl := range mutations {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			changed := bytes.Replace(orig, m[0], []byte(repl), 1)
			if err := os.WriteFile(filepath.Join(dir, file), changed, 0o644); err != nil {
				t.Fatal(err)
			}
			if p := checkInvalid(dir); len(p) == 0 {
				t.Errorf("checker accepts the fixture with its expectation changed to %q", repl)
			}
		})
	}
}

func TestDetailMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, detail string
		want            bool
	}{
		{"", "anything", true},
		{"a -> b", "x a -> b y", true},
		{"a ... c", "a b c", true},
		{"c ... a", "a b c", false},
		{"a ... a", "a", false},
	} {
		if got := detailMatches(c.pattern, c.detail); got != c.want {
			t.Errorf("detailMatches(%q, %q) = %v", c.pattern, c.detail, got)
		}
	}
}
