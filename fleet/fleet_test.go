package fleet_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/metrics"
	"github.com/tendhq/tend/fleet"
	"github.com/tendhq/tend/resources/report"
)

const (
	rulesFile     = "prometheus/tend.rules.yml"
	rulesTestFile = "prometheus/tend.rules.test.yml"
	dashboardFile = "grafana/tend-fleet.json"
)

// contractAlerts are the alerts the fleet's rules define.
var contractAlerts = []string{
	"TendRunFailed", "TendStaleConfig", "TendDisabled", "TendDisabledTooLong", "TendNoRecentRun",
	"TendLastRunUnfinished", "TendStateDirUnwritable", "TendPreviewFailed",
}

// previewMetricsFromContract are the preview's metrics (tend-preview.prom,
// written by tend agent --preview), by the names the fleet agreed on,
// until their formatter can be rendered here as agent/metrics' is.
var previewMetricsFromContract = []string{
	"tend_preview_changes", "tend_preview_failed", "tend_preview_timestamp_seconds", "tend_preview_info",
}

// previewLabelsFromContract are the labels of the preview's metrics.
var previewLabelsFromContract = []string{"ref", "commit", "signer"}

// promtool is Prometheus' own promtool from $TEND_PROMETHEUS_BIN (make
// prometheus-tools); without it the test skips, or fails when
// $TEND_TEST_REQUIRE_CONTAINERS asks for every test to run.
func promtool(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TEND_PROMETHEUS_BIN")
	reason := "$TEND_PROMETHEUS_BIN is not set (make prometheus-tools unpacks promtool and the Makefile exports it)"
	if dir != "" {
		p := filepath.Join(dir, "promtool")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		reason = "no promtool in $TEND_PROMETHEUS_BIN (" + dir + ")"
	}
	if os.Getenv("TEND_TEST_REQUIRE_CONTAINERS") != "" {
		t.Fatalf("promtool is required ($TEND_TEST_REQUIRE_CONTAINERS=1): %s", reason)
	}
	t.Skip(reason)
	return ""
}

// runPromtool runs promtool in dir and returns its output and error.
func runPromtool(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(promtool(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func shipped(t *testing.T, name string) string {
	t.Helper()
	b, err := fleet.Files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRules checks the alerting rules and runs their unit tests, on the
// files as shipped (a copy of the embedded ones).
func TestRules(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{rulesFile, rulesTestFile} {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), []byte(shipped(t, name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runPromtool(t, dir, "check", "rules", filepath.Base(rulesFile))
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("SUCCESS: %d rules found", len(contractAlerts)); !strings.Contains(out, want) {
		t.Errorf("promtool check rules: %q, want %q", out, want)
	}
	if out, err := runPromtool(t, dir, "test", "rules", filepath.Base(rulesTestFile)); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\s*- alert: (\S+)$`).FindAllStringSubmatch(shipped(t, rulesFile), -1) {
		names = append(names, m[1])
	}
	if !slices.Equal(names, contractAlerts) {
		t.Errorf("alerts %v, want %v", names, contractAlerts)
	}
	tests := shipped(t, rulesTestFile)
	for _, a := range contractAlerts {
		if !regexp.MustCompile(`alertname: ` + a + `\n\s+exp_alerts:\n\s+- exp_labels:`).MatchString(tests) {
			t.Errorf("the unit tests never see %s fire", a)
		}
	}
}

// TestExpressionsParseAndUseTendMetrics parses every expression of the
// rules and the dashboard with Prometheus' parser (promtool check rules
// on recording rules made of them) and checks that every metric they
// read is one tend writes.
func TestExpressionsParseAndUseTendMetrics(t *testing.T) {
	exprs := map[string]string{} // where -> expression
	for i, e := range ruleExprs(shipped(t, rulesFile)) {
		exprs[fmt.Sprintf("%s rule %d", rulesFile, i+1)] = e
	}
	if n := len(exprs); n != len(contractAlerts) {
		t.Fatalf("%d expressions read from %s, want one per alert (%d)", n, rulesFile, len(contractAlerts))
	}
	dash, err := dashboardExprs([]byte(shipped(t, dashboardFile)))
	if err != nil {
		t.Fatal(err)
	}
	for where, e := range dash {
		exprs[dashboardFile+" "+where] = e
	}
	if err := checkParse(t, exprs); err != nil {
		t.Fatal(err)
	}
	known, labels := tendMetrics(t)
	for where, e := range exprs {
		for _, name := range metricNames(e) {
			if !known[name] {
				t.Errorf("%s reads %s, which tend does not write: %s", where, name, e)
			}
		}
		for _, name := range labelNames(e) {
			if !labels[name] {
				t.Errorf("%s uses the label %s, which neither tend nor the scrape sets: %s", where, name, e)
			}
		}
	}
	for _, m := range regexp.MustCompile(`\$labels\.(\w+)`).FindAllStringSubmatch(shipped(t, rulesFile), -1) {
		if !labels[m[1]] && m[1] != "severity" {
			t.Errorf("%s: an annotation shows $labels.%s, which neither tend nor the scrape sets", rulesFile, m[1])
		}
	}
}

// TestChecksCatchMistakes feeds the checks a broken expression and a
// metric tend does not write, so that they are known to be able to fail.
func TestChecksCatchMistakes(t *testing.T) {
	err := checkParse(t, map[string]string{"good": "tend_disabled == 1", "broken": "tend_disabled == on(instance) 1 +"})
	if err == nil || !strings.Contains(err.Error(), "broken") || strings.Contains(err.Error(), "good:") {
		t.Errorf("a broken expression: %v", err)
	}
	dash := []byte(`{"panels": [{"type": "row", "panels": [{"title": "P", "targets": [{"refId": "A", "expr": "tend_last_run_exit_cod > 0"}]}]}]}`)
	exprs, err := dashboardExprs(dash)
	if err != nil || len(exprs) != 1 {
		t.Fatalf("expressions of a nested panel: %v, %v", exprs, err)
	}
	known, _ := tendMetrics(t)
	for _, e := range exprs {
		if names := metricNames(e); len(names) != 1 || known[names[0]] {
			t.Errorf("an unknown metric name passes: %v", names)
		}
	}
	if _, err := dashboardExprs([]byte(`{"panels": [], "templating": {"expr": "x"}}`)); err == nil {
		t.Error("an expression outside a panel's targets went unnoticed")
	}
}

func TestExpressionNames(t *testing.T) {
	for expr, want := range map[string]string{
		`sum by(instance) (rate(foo_total{job="x", a=~"b|c"}[5m])) / on(instance) group_left(node, commit) bar_info`: "instance job a instance node commit",
		`x unless ignoring(ref) z{ref!="a=b", b!~'c'} > bool 1`:                                                      "ref ref b",
		`count without() (tend_disabled)`:                                                                            "",
	} {
		if got := strings.Join(labelNames(expr), " "); got != want {
			t.Errorf("labelNames(%q) = %q, want %q", expr, got, want)
		}
	}
	for expr, want := range map[string]string{
		`sum by(instance) (rate(foo_total{job="x", a=~"b|c"}[5m] offset 1h)) / on(instance) group_left(node, commit) bar_info`: "foo_total bar_info",
		`count(tend_disabled == 1) or vector(0)`:                                               "tend_disabled",
		`time() - x_seconds > 86400 and on(instance, job) y unless ignoring(ref) z{ref="a b"}`: "x_seconds y z",
		`max_over_time(q[1d:5m]) * 1e3 + 0x10 - inf`:                                           "q",
		`{__name__="hidden"}`: "",
	} {
		if got := strings.Join(metricNames(expr), " "); got != want {
			t.Errorf("metricNames(%q) = %q, want %q", expr, got, want)
		}
	}
}

// TestDashboard checks what Grafana needs to import the dashboard: one
// datasource variable that every panel and target uses, unique panel
// ids, and a uid.
func TestDashboard(t *testing.T) {
	var d struct {
		UID        string `json:"uid"`
		Templating struct {
			List []struct{ Name, Type, Query string } `json:"list"`
		} `json:"templating"`
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal([]byte(shipped(t, dashboardFile)), &d); err != nil {
		t.Fatal(err)
	}
	if d.UID == "" || len(d.Templating.List) != 1 || d.Templating.List[0].Type != "datasource" || d.Templating.List[0].Query != "prometheus" {
		t.Fatalf("uid %q, template variables %+v: want a uid and one prometheus datasource variable", d.UID, d.Templating.List)
	}
	ids := map[int]bool{}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("panel id %d repeated", p.ID)
			}
			ids[p.ID] = true
			if p.Type != "row" && p.Datasource.UID != "${datasource}" {
				t.Errorf("panel %q: datasource %+v", p.Title, p.Datasource)
			}
			for _, tg := range p.Targets {
				if tg.Datasource.UID != "${datasource}" || tg.Expr == "" {
					t.Errorf("panel %q target %s: datasource %+v, expr %q", p.Title, tg.RefID, tg.Datasource, tg.Expr)
				}
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
}

// ruleExprs reads the expressions of a rules file as tend.rules.yml
// writes them: `expr: ...` on one line or `expr: |` and an indented block.
func ruleExprs(text string) []string {
	var exprs []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		key, value, ok := strings.Cut(lines[i], "expr:")
		if !ok || strings.TrimSpace(key) != "" {
			continue
		}
		value = strings.TrimSpace(value)
		if value != "|" && value != "|-" {
			if uq, err := strconv.Unquote(value); err == nil {
				value = uq
			}
			exprs = append(exprs, value)
			continue
		}
		var block []string
		for i+1 < len(lines) && (strings.TrimSpace(lines[i+1]) == "" || indent(lines[i+1]) > len(key)) {
			i++
			block = append(block, strings.TrimSpace(lines[i]))
		}
		exprs = append(exprs, strings.TrimSpace(strings.Join(block, "\n")))
	}
	return exprs
}

func indent(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// panel is what the test reads of a dashboard panel; rows nest panels.
type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		RefID      string `json:"refId"`
		Expr       string `json:"expr"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

// dashboardExprs returns every target's expression by panel and refId,
// and fails when the JSON holds an expression that is not one of them.
func dashboardExprs(b []byte) (map[string]string, error) {
	var d struct {
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	exprs := map[string]string{}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			for _, tg := range p.Targets {
				exprs[fmt.Sprintf("panel %d %q target %s", p.ID, p.Title, tg.RefID)] = tg.Expr
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	if n := bytes.Count(b, []byte(`"expr"`)); n != len(exprs) {
		return nil, fmt.Errorf("%d expressions in the JSON, %d of them in panels' targets", n, len(exprs))
	}
	return exprs, nil
}

// checkParse writes the expressions as recording rules and has promtool
// check them with Prometheus' own parser.
func checkParse(t *testing.T, exprs map[string]string) error {
	t.Helper()
	var b strings.Builder
	b.WriteString("groups:\n  - name: expressions\n    rules:\n")
	var where []string
	for _, w := range slicesSorted(exprs) {
		q, _ := json.Marshal(exprs[w]) // a JSON string is a YAML string
		fmt.Fprintf(&b, "      - record: expr_%d\n        expr: %s\n", len(where), q)
		where = append(where, w)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "exprs.yml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runPromtool(t, dir, "check", "rules", "exprs.yml")
	if err == nil {
		return nil
	}
	var bad []string
	for i, w := range where {
		if strings.Contains(out, fmt.Sprintf("%q: could not parse", fmt.Sprintf("expr_%d", i))) {
			bad = append(bad, w+": "+exprs[w])
		}
	}
	return fmt.Errorf("promtool check rules: %v: %s\n%s", err, strings.Join(bad, "\n"), out)
}

func slicesSorted(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

var (
	stringLit   = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")
	matchers    = regexp.MustCompile(`\{[^}]*\}`)
	ranges      = regexp.MustCompile(`\[[^\]]*\]`)
	grouping    = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	identifier  = regexp.MustCompile(`(?:^|[^a-zA-Z0-9_:.])([a-zA-Z_:][a-zA-Z0-9_:]*)`)
	notAMetric  = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "inf": true, "nan": true, "atan2": true, "by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true}
	metricTypes = regexp.MustCompile(`(?m)^# TYPE (\S+) `)
)

// metricNames are the metrics an expression selects by name, in order.
// Strings, label matchers, ranges and grouping label lists are taken
// out first; an identifier followed by "(" is a function or aggregation.
func metricNames(expr string) []string {
	s := stringLit.ReplaceAllString(expr, `""`)
	s = matchers.ReplaceAllString(s, " ")
	s = ranges.ReplaceAllString(s, " ")
	s = grouping.ReplaceAllString(s, " ")
	var names []string
	for _, m := range identifier.FindAllStringSubmatchIndex(s, -1) {
		name := s[m[2]:m[3]]
		if strings.HasPrefix(strings.TrimLeft(s[m[3]:], " \t\n"), "(") || notAMetric[strings.ToLower(name)] {
			continue
		}
		names = append(names, name)
	}
	return names
}

// labelNames are the labels an expression groups, matches or joins on,
// or selects by, in order.
func labelNames(expr string) []string {
	s := stringLit.ReplaceAllString(expr, `""`)
	var names []string
	for _, m := range regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)|\{([^}]*)\}`).FindAllStringSubmatch(s, -1) {
		if m[2] != "" {
			for _, mm := range regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`).FindAllStringSubmatch(m[2], -1) {
				names = append(names, mm[1])
			}
			continue
		}
		for _, l := range strings.Split(m[1], ",") {
			if l = strings.TrimSpace(l); l != "" {
				names = append(names, l)
			}
		}
	}
	return names
}

// tendMetrics are the metric names tend writes, agent/metrics' rendering
// of a run that has every metric and the preview's, and the labels on
// them with the scrape's.
func tendMetrics(t *testing.T) (names, labels map[string]bool) {
	t.Helper()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	run := metrics.Run{
		Summary: &report.LastRunSummary{RunID: "r", Node: "mx1", Finished: now, ExitCode: 2,
			Source: report.Source{ID: "abc", Signer: "ops"}},
		Disable:  &disable.State{Who: "ops", Reason: "r", Since: now, Until: now.Add(time.Hour)},
		Interval: 30 * time.Minute,
	}
	known := map[string]bool{}
	text := string(metrics.Format(run))
	for _, m := range metricTypes.FindAllStringSubmatch(text, -1) {
		known[m[1]] = true
	}
	labels = map[string]bool{"instance": true, "job": true}
	for _, name := range labelNames(text) {
		labels[name] = true
	}
	for _, name := range previewLabelsFromContract {
		labels[name] = true
	}
	for _, name := range []string{"tend_agent_interval_seconds", "tend_disabled_info", "tend_disabled_since_timestamp_seconds", "tend_last_run_info"} {
		if !known[name] {
			t.Fatalf("the rendered run lacks %s: %v", name, known)
		}
	}
	for _, name := range previewMetricsFromContract {
		known[name] = true
	}
	return known, labels
}
