package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// prometheusBin is the directory of Debian's prometheus and
// prometheus-node-exporter binaries (make prometheus-tools). Without it
// the test skips, or fails when containers are required.
func prometheusBin(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TEND_PROMETHEUS_BIN")
	why := "TEND_PROMETHEUS_BIN is not set (make prometheus-tools unpacks Prometheus and make exports it)"
	if dir != "" {
		why = ""
		for _, b := range []string{"prometheus", "prometheus-node-exporter"} {
			if _, err := exec.LookPath(filepath.Join(dir, b)); err != nil {
				why = fmt.Sprintf("TEND_PROMETHEUS_BIN=%s has no %s (make prometheus-tools): %v", dir, b, err)
			}
		}
	}
	switch {
	case why == "":
		return dir
	case os.Getenv("TEND_TEST_REQUIRE_CONTAINERS") != "":
		t.Fatalf("the fleet test is required ($TEND_TEST_REQUIRE_CONTAINERS) but cannot run: %s", why)
	}
	t.Skip(why)
	return ""
}

// freeAddr is a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// daemon starts a program of bin that runs until the test ends; its
// output is in the test log when the test failed.
func daemon(t *testing.T, bin, name string, args ...string) {
	t.Helper()
	log, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), filepath.Join(bin, name), args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Wait() // killed when t's context ended
		log.Close()
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("%s %s:\n%s", name, strings.Join(args, " "), tail(string(out), 30))
		}
	})
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// prometheus is a Prometheus server on loopback that scrapes one node
// exporter per host of the fleet, its instance label the host's name,
// every second, and evaluates rules every second.
type prometheus struct {
	t   *testing.T
	url string
}

const prometheusConfig = `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: tend
    static_configs:
`

// startPrometheus starts a node exporter per host that reads the host's
// textfiles, and Prometheus with rules; ready waits for them.
func startPrometheus(t *testing.T, bin, rules string, hosts []*fleetHost) *prometheus {
	t.Helper()
	dir := t.TempDir()
	config := fmt.Sprintf(prometheusConfig, rules)
	for _, h := range hosts {
		addr := freeAddr(t)
		daemon(t, bin, "prometheus-node-exporter", "--web.listen-address="+addr,
			"--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory="+h.textfiles())
		config += fmt.Sprintf("      - targets: [%q]\n        labels: {instance: %q}\n", addr, h.name)
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	daemon(t, bin, "prometheus", "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr)
	return &prometheus{t: t, url: "http://" + addr}
}

// ready waits until Prometheus answers and scrapes its n exporters.
func (p *prometheus) ready(n int) {
	p.t.Helper()
	p.waitSeries("every exporter up", `up{job="tend"} == 1`, n)
}

// sample is one series of an instant query's result.
type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// Float is the sample's value.
func (s sample) Float() float64 {
	var f float64
	str, _ := s.Value[1].(string)
	fmt.Sscan(str, &f)
	return f
}

// get calls the HTTP API and decodes its data into v.
func (p *prometheus) get(path string, q url.Values, v any) error {
	resp, err := http.Get(p.url + path + "?" + q.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return fmt.Errorf("%s: %s: %w", path, resp.Status, err)
	}
	if body.Status != "success" {
		return fmt.Errorf("%s %s: %s", path, q.Encode(), body.Error)
	}
	return json.Unmarshal(body.Data, v)
}

// query runs an instant query; an error (Prometheus not up yet) is an
// empty result and the error.
func (p *prometheus) query(expr string) ([]sample, error) {
	var data struct {
		Result []sample `json:"result"`
	}
	err := p.get("/api/v1/query", url.Values{"query": {expr}}, &data)
	return data.Result, err
}

// poll calls f every 100 ms until it returns "" or the deadline passes,
// then fails the test with the last thing f said.
func (p *prometheus) poll(what string, f func() string) {
	p.t.Helper()
	start := time.Now()
	var why string
	for deadline := start.Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if why = f(); why == "" {
			p.t.Logf("prometheus: %s after %s", what, time.Since(start).Round(time.Millisecond))
			return
		}
	}
	p.t.Fatalf("prometheus: not %s within 30s: %s", what, why)
}

// waitSeries waits until expr returns n series.
func (p *prometheus) waitSeries(what, expr string, n int) []sample {
	p.t.Helper()
	var got []sample
	p.poll(what, func() string {
		var err error
		if got, err = p.query(expr); err != nil || len(got) != n {
			return fmt.Sprintf("%s: %d series, want %d (%v): %v", expr, len(got), n, err, got)
		}
		return ""
	})
	return got
}

// evaluated waits until every rule group has been evaluated after since:
// its alerts then reflect what was scraped by since.
func (p *prometheus) evaluated(since time.Time) {
	p.t.Helper()
	p.poll("rules evaluated", func() string {
		var data struct {
			Groups []struct {
				Name           string    `json:"name"`
				LastEvaluation time.Time `json:"lastEvaluation"`
			} `json:"groups"`
		}
		if err := p.get("/api/v1/rules", nil, &data); err != nil {
			return err.Error()
		}
		if len(data.Groups) == 0 {
			return "no rule groups loaded"
		}
		for _, g := range data.Groups {
			if !g.LastEvaluation.After(since) {
				return fmt.Sprintf("group %s last evaluated at %s, before %s", g.Name, g.LastEvaluation, since)
			}
		}
		return ""
	})
}

// alerts is every alert Prometheus has, pending or firing, as
// "NAME{instance=HOST,state=STATE}" with its ref, who and reason labels,
// if any, after the state; sorted.
func (p *prometheus) alerts() []string {
	p.t.Helper()
	got, err := p.query("ALERTS")
	if err != nil {
		p.t.Fatal(err)
	}
	var out []string
	for _, s := range got {
		m := s.Metric
		a := fmt.Sprintf("%s{instance=%s,state=%s", m["alertname"], m["instance"], m["alertstate"])
		for _, l := range []string{"ref", "who", "reason"} {
			if v, ok := m[l]; ok {
				a += "," + l + "=" + v
			}
		}
		out = append(out, a+"}")
	}
	slices.Sort(out)
	return out
}

// settle waits until each of ready's queries returns its number of
// series (the metrics of the step's runs have been scraped), then for the
// rules to be evaluated once more, and fails the test unless the alerts
// are then exactly want, firing.
func (p *prometheus) settle(ready map[string]int, want ...string) {
	p.t.Helper()
	for expr, n := range ready {
		p.waitSeries("scraped "+expr, expr, n)
	}
	p.evaluated(time.Now().Add(time.Second)) // an evaluation's timestamp is up to one interval before it starts
	got := p.alerts()
	p.t.Logf("alerts: %v", got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		p.t.Fatalf("alerts %v, want %v", got, want)
	}
}

// firing is an alert of host as alerts and settle write it; labels are
// its ref, who and reason labels, in that order, as "name=value".
func firing(name, host string, labels ...string) string {
	return name + "{" + strings.Join(append([]string{"instance=" + host, "state=firing"}, labels...), ",") + "}"
}
