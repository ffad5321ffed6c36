package fleet_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// documented are the documents whose ```promql blocks are queries an
// operator copies: each must parse and read only what tend, the scrape or
// Prometheus itself provides.
var documented = []string{"../docs/OPERATIONS.md", "../docs/FLEET.md"}

// notTends are the metrics and labels documented queries may use besides
// tend's: the scrape's up, Prometheus' ALERTS and its alertname, and the
// stage label docs/FLEET.md has the operator put on the scrape targets.
var notTends = map[string]bool{"up": true, "ALERTS": true, "alertname": true, "stage": true}

// TestDocumentedQueries checks every PromQL query in the documents as
// the rules and the dashboard are checked.
func TestDocumentedQueries(t *testing.T) {
	exprs := map[string]string{}
	for _, doc := range documented {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		queries := promqlQueries(filepath.Base(doc), string(b))
		if len(queries) == 0 {
			t.Fatalf("no PromQL query found in %s: the extraction is broken", doc)
		}
		for where, q := range queries {
			exprs[where] = q
		}
	}
	if err := checkParse(t, exprs); err != nil {
		t.Fatal(err)
	}
	known, labels := tendMetrics(t)
	for where, e := range exprs {
		for _, name := range metricNames(e) {
			if !known[name] && !notTends[name] {
				t.Errorf("%s reads %s, which tend does not write: %s", where, name, e)
			}
		}
		for _, name := range labelNames(e) {
			if !labels[name] && !notTends[name] {
				t.Errorf("%s uses the label %s, which neither tend nor the scrape sets: %s", where, name, e)
			}
		}
	}
}

// promqlQueries are the queries of a document's ```promql blocks, keyed
// by document:line of their first line. Within a block, a query is a run
// of lines; blank lines and # comments separate queries.
func promqlQueries(doc, text string) map[string]string {
	out := map[string]string{}
	in, start := false, 0
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out[fmt.Sprintf("%s:%d", doc, start)] = strings.Join(cur, "\n")
		}
		cur = nil
	}
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case !in:
			in = trimmed == "```promql"
		case trimmed == "```":
			flush()
			in = false
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			flush()
		default:
			if len(cur) == 0 {
				start = i + 1
			}
			cur = append(cur, line)
		}
	}
	return out
}

func TestPromqlQueries(t *testing.T) {
	doc := "a\n```promql\n# one\nx == 1\n\n# two\ny\n  > 2\n```\n```sh\nz\n```\n"
	got := promqlQueries("d.md", doc)
	want := map[string]string{"d.md:4": "x == 1", "d.md:7": "y\n  > 2"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("promqlQueries = %q, want %q", got, want)
	}
}
