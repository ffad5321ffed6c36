package fleet_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/metrics"
	"github.com/tendhq/tend/resources/report"
)

// host is one scraped agent: what it wrote, and the alerts (with the
// labels beyond alertname, instance and job) that must fire for it.
type host struct {
	instance string
	run      metrics.Run
	alerts   map[string]map[string]string
}

// The files promtool test rules reads, written as JSON (which is YAML).
type (
	unitTests struct {
		RuleFiles          []string   `json:"rule_files"`
		EvaluationInterval string     `json:"evaluation_interval"`
		Tests              []unitTest `json:"tests"`
	}
	unitTest struct {
		Interval    string        `json:"interval"`
		InputSeries []inputSeries `json:"input_series"`
		AlertTests  []alertTest   `json:"alert_rule_test"`
	}
	inputSeries struct {
		Series string `json:"series"`
		Values string `json:"values"`
	}
	alertTest struct {
		EvalTime  string     `json:"eval_time"`
		AlertName string     `json:"alertname"`
		ExpAlerts []expAlert `json:"exp_alerts"`
	}
	expAlert struct {
		ExpLabels map[string]string `json:"exp_labels"`
	}
	ruleFile struct {
		Groups []ruleGroup `json:"groups"`
	}
	ruleGroup struct {
		Name  string     `json:"name"`
		Rules []bareRule `json:"rules"`
	}
	bareRule struct {
		Alert string `json:"alert"`
		Expr  string `json:"expr"`
	}
)

// TestRulesOnWrittenMetrics evaluates the shipped alerts' expressions on
// what agent/metrics writes, label values escaped as the agent escapes
// them, scraped as node_exporter serves it: the alerts fire on the hosts
// they are for, with the labels they join, and on no other.
func TestRulesOnWrittenMetrics(t *testing.T) {
	epoch := time.Unix(0, 0).UTC() // promtool's series start there
	sum := func(code int, lkg bool) *report.LastRunSummary {
		return &report.LastRunSummary{RunID: "r", Node: "web", Finished: epoch, Duration: 2, ExitCode: code,
			Source:  report.Source{ID: "c0ffee", Signer: `SSH key SHA256:x (ops "a" \ b)`, LastKnownGood: lkg},
			Summary: report.Summary{Total: 3, Changed: 1}}
	}
	why := "kernel \"5.10\" upgrade\nback at 11"
	hosts := []host{
		{"changes", metrics.Run{Summary: sum(2, false), Interval: 30 * time.Minute}, nil},
		{"failed", metrics.Run{Summary: sum(6, false), Interval: 30 * time.Minute},
			map[string]map[string]string{"TendRunFailed": {"node": "web", "commit": "c0ffee"}}},
		{"stale", metrics.Run{Summary: sum(12, true)}, map[string]map[string]string{
			"TendRunFailed": {"node": "web", "commit": "c0ffee"}, "TendStaleConfig": {"node": "web", "commit": "c0ffee"}}},
		{"disabled", metrics.Run{Summary: sum(2, false), Disable: &disable.State{Who: "alice", Reason: why, Since: epoch.Add(-25 * time.Hour)}},
			map[string]map[string]string{"TendDisabled": {"who": "alice", "reason": why}, "TendDisabledTooLong": {"who": "alice", "reason": why}}},
		{"silent", metrics.Run{Summary: sum(0, false)}, nil}, // becomes silent below
		{"broken", metrics.Run{Summary: sum(0, false), Unfinished: true, Unwritable: true},
			map[string]map[string]string{"TendLastRunUnfinished": {}, "TendStateDirUnwritable": {}}},
	}
	hosts[4].run.Summary.Finished = epoch.Add(-61 * time.Minute)
	hosts[4].alerts = map[string]map[string]string{"TendNoRecentRun": {"node": "web", "commit": "c0ffee"}}

	test := unitTest{Interval: "1m"}
	for _, h := range hosts {
		test.InputSeries = append(test.InputSeries, scraped(t, h.instance, metrics.Format(h.run))...)
	}
	rules := shipped(t, rulesFile)
	for _, alert := range contractAlerts[:len(contractAlerts)-1] { // the preview's are not agent/metrics'
		at := alertTest{EvalTime: "1m", AlertName: alert, ExpAlerts: []expAlert{}}
		for _, h := range hosts {
			if labels, ok := h.alerts[alert]; ok {
				want := map[string]string{"instance": h.instance + ":9100", "job": "node"}
				for k, v := range labels {
					want[k] = v
				}
				at.ExpAlerts = append(at.ExpAlerts, expAlert{ExpLabels: want})
			}
		}
		test.AlertTests = append(test.AlertTests, at)
	}
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "rules.yml"), bareRules(t, rules))
	writeJSON(t, filepath.Join(dir, "test.yml"), unitTests{RuleFiles: []string{"rules.yml"}, EvaluationInterval: "1m", Tests: []unitTest{test}})
	if out, err := runPromtool(t, dir, "test", "rules", "test.yml"); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// scraped turns an exposition into promtool's input series as the
// scrape of instance:9100 by job node would store them.
func scraped(t *testing.T, instance string, exposition []byte) []inputSeries {
	t.Helper()
	var out []inputSeries
	target := `instance="` + instance + `:9100",job="node"`
	for line := range strings.Lines(string(exposition)) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		series, value := line[:i], line[i+1:]
		if name, labels, ok := strings.Cut(series, "{"); ok {
			series = name + "{" + target + "," + labels
		} else {
			series += "{" + target + "}"
		}
		out = append(out, inputSeries{Series: series, Values: value + "x10"})
	}
	if len(out) == 0 {
		t.Fatalf("no samples in %q", exposition)
	}
	return out
}

// bareRules are the shipped alerts' names and expressions, without the
// labels and annotations the shipped unit tests check.
func bareRules(t *testing.T, rules string) ruleFile {
	t.Helper()
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\s*- alert: (\S+)$`).FindAllStringSubmatch(rules, -1) {
		names = append(names, m[1])
	}
	exprs := ruleExprs(rules)
	if len(names) != len(exprs) {
		t.Fatalf("%d alerts, %d expressions", len(names), len(exprs))
	}
	g := ruleGroup{Name: "tend"}
	for i := range names {
		g.Rules = append(g.Rules, bareRule{names[i], exprs[i]})
	}
	return ruleFile{Groups: []ruleGroup{g}}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
