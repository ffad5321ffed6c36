package e2e

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/testfixtures/container"
)

// TestFleet boots three Debian 11 hosts that follow one signed node
// repository with tend agent, and watches them with Prometheus, one node
// exporter per host, evaluating the shipped alerting rules: a good
// signed commit leaves no alert; a commit whose node fails on one host
// fires TendRunFailed for that host alone, and a disabled host fires
// TendDisabled for itself alone, naming who and why; once both are
// fixed the alerts clear. A signed preview/* branch, previewed by every
// host's next scheduled run (preview_refs), shows in Prometheus and in
// tend preview-summary which hosts it would change and how much; an
// unsigned one's preview is refused and fires TendPreviewFailed for that
// ref.
func TestFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("boots three containers (about a minute); make e2e runs it")
	}
	t.Parallel()
	start := time.Now()
	bin := prometheusBin(t)
	rules := rulesFile(t)
	r := newRepo(t)
	for _, h := range names {
		r.writeNode(h, node(h, "1", false))
	}
	c1 := r.commit("fleet: first configuration", true)
	tend := filepath.Join(t.TempDir(), "tend")
	built := make(chan error, 1)
	go func() { built <- container.BuildStatic("github.com/tendhq/tend/agent/cmd/tend", tend) }()
	t.Cleanup(func() { <-built }) // should newFleet skip or fail: the build writes into t's directory
	hosts := newFleet(t, r, names...)
	err := <-built
	built <- err // for the cleanup
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		h.c.CopyIn(t, tend, "/usr/local/bin/tend")
	}
	t.Logf("containers made, tend built: %s", time.Since(start).Round(time.Millisecond))
	p := startPrometheus(t, bin, rules, hosts) // starts while the fleet boots
	boot(t, hosts)
	t.Logf("fleet booted: %s", time.Since(start).Round(time.Millisecond))
	p.ready(len(hosts))
	t.Logf("prometheus and exporters up: %s", time.Since(start).Round(time.Millisecond))

	phase := func(name string, f func()) {
		s := time.Now()
		f()
		t.Logf("%s: %s", name, time.Since(s).Round(time.Millisecond))
	}
	phase("good commit, no alert", func() { fleetConverges(t, hosts, p, c1) })
	phase("one host fails, one disabled", func() { fleetFailsAndDisables(t, r, hosts, p) })
	phase("fixed, alerts clear", func() { fleetRecovers(t, r, hosts, p) })
	phase("previews", func() { fleetPreviews(t, r, hosts, p, tend) })
	t.Logf("total: %s", time.Since(start).Round(time.Millisecond))
}

// names are the fleet's hosts, each the name of its node.
var names = []string{"alpha", "beta", "gamma"}

// rulesFile is the shipped alerting rules.
func rulesFile(t *testing.T) string {
	p, err := filepath.Abs("../prometheus/tend.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fleetConverges: every host applies the first signed commit; nothing
// fires.
func fleetConverges(t *testing.T, hosts []*fleetHost, p *prometheus, c1 string) {
	step(t, hosts, agent, map[string]int{"alpha": 2, "beta": 2, "gamma": 2})
	p.settle(map[string]int{fmt.Sprintf(`tend_last_run_info{commit=%q} and on(instance) tend_last_run_exit_code == 2`, c1): 3})
}

// fleetFailsAndDisables: a signed commit gives beta a resource that
// fails, and gamma is disabled before it runs: TendRunFailed fires for
// beta and TendDisabled for gamma, nothing for alpha.
func fleetFailsAndDisables(t *testing.T, r *repo, hosts []*fleetHost, p *prometheus) {
	r.writeNode("alpha", node("alpha", "2", false))
	r.writeNode("beta", node("beta", "2", true))
	r.writeNode("gamma", node("gamma", "2", false))
	c2 := r.commit("fleet: second configuration; beta migrates", true)
	gamma := hosts[2]
	if res := gamma.run(t.Context(), "env", "SUDO_USER=ops", "tend", "disable", "--reason", "disk replacement"); res.Code != 0 || res.Err != nil {
		t.Fatalf("tend disable on gamma: exit %d (%v):\n%s", res.Code, res.Err, res.Out)
	}
	step(t, hosts, agent, map[string]int{"alpha": 2, "beta": 6, "gamma": 3})
	p.settle(map[string]int{
		fmt.Sprintf(`tend_last_run_info{commit=%q,instance=~"alpha|beta"}`, c2): 2,
		`tend_last_run_resources{result="failed",instance="beta"} == 1`:         1,
		`tend_disabled{instance="gamma"} == 1`:                                  1,
	}, firing("TendRunFailed", "beta"), firing("TendDisabled", "gamma", "who=ops", "reason=disk replacement"))
}

// fleetRecovers: gamma is enabled and beta's failing resource dropped;
// every host applies the fix and the alerts clear.
func fleetRecovers(t *testing.T, r *repo, hosts []*fleetHost, p *prometheus) {
	if res := hosts[2].run(t.Context(), "tend", "enable"); res.Code != 0 || res.Err != nil {
		t.Fatalf("tend enable on gamma: exit %d (%v):\n%s", res.Code, res.Err, res.Out)
	}
	r.writeNode("beta", node("beta", "3", false))
	c3 := r.commit("fleet: beta's migration is dropped", true)
	step(t, hosts, agent, map[string]int{"alpha": 0, "beta": 2, "gamma": 2})
	p.settle(map[string]int{
		fmt.Sprintf(`tend_last_run_info{commit=%q}`, c3): 3,
		`tend_disabled == 0`:                             3,
	})
}

// fleetPreviews: an admin pushes a signed branch that changes alpha's
// and beta's motd, and an unsigned one, both named preview/*; at the next
// scheduled run every host, set to preview preview/*, previews the
// signed branch and changes nothing, and refuses the unsigned one, while
// the runs themselves (nothing new on main) exit 0.
func fleetPreviews(t *testing.T, r *repo, hosts []*fleetHost, p *prometheus, tend string) {
	const signed, unsigned = "preview/motd", "preview/unsigned"
	r.branch(signed)
	r.writeNode("alpha", node("alpha", "4", false))
	r.writeNode("beta", node("beta", "4", false))
	cs := r.commit("motd: configuration 4 on alpha and beta", true)[:12]
	r.branch(unsigned)
	r.writeNode("alpha", node("alpha", "5", false))
	cu := r.commit("motd: configuration 5 on alpha, unsigned", false)[:12]

	res := step(t, hosts, agent, map[string]int{"alpha": 0, "beta": 0, "gamma": 0})
	for _, h := range hosts {
		out := res[h.name].Out
		if !strings.Contains(out, "Preview of "+signed+" at commit "+cs) {
			t.Errorf("%s's scheduled run does not say it previewed %s:\n%s", h.name, signed, out)
		}
		if !strings.Contains(out, "refusing to preview "+unsigned) || !strings.Contains(out, "it is not signed") {
			t.Errorf("%s's scheduled run does not say the unsigned branch's preview is refused as unsigned:\n%s", h.name, out)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	if got := hosts[0].c.Sh("cat /etc/motd"); got != "alpha: configuration 2" {
		t.Fatalf("a preview changed alpha: /etc/motd is %q", got)
	}
	p.settle(map[string]int{
		fmt.Sprintf(`tend_preview_timestamp_seconds{ref=%q}`, signed):              3,
		fmt.Sprintf(`tend_preview_failed{ref=%q,instance="alpha"} == 1`, unsigned): 1,
		fmt.Sprintf(`tend_preview_failed{ref=%q} == 1`, unsigned):                  3,
	}, firing("TendPreviewFailed", "alpha", "ref="+unsigned), firing("TendPreviewFailed", "beta", "ref="+unsigned),
		firing("TendPreviewFailed", "gamma", "ref="+unsigned))
	want := map[string]float64{"alpha": 1, "beta": 1, "gamma": 0}
	wantValues(t, p, fmt.Sprintf(`tend_preview_changes{ref=%q}`, signed), want)
	wantValues(t, p, fmt.Sprintf(`tend_preview_failed{ref=%q}`, signed), map[string]float64{"alpha": 0, "beta": 0, "gamma": 0})
	previewSummary(t, hosts, tend, []string{
		"alpha alpha " + signed + " " + cs + " 1 no",
		"alpha alpha " + unsigned + " " + cu + " - yes",
		"beta beta " + signed + " " + cs + " 1 no",
		"beta beta " + unsigned + " " + cu + " - yes",
		"gamma gamma " + signed + " " + cs + " 0 no",
		"gamma gamma " + unsigned + " " + cu + " - yes",
	})
}

// wantValues fails the test unless expr gives each host (instance) its
// value, and no other host any.
func wantValues(t *testing.T, p *prometheus, expr string, want map[string]float64) {
	t.Helper()
	got, err := p.query(expr)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{}
	for _, s := range got {
		values[s.Metric["instance"]] = s.Float()
	}
	t.Logf("%s: %v", expr, values)
	if !maps.Equal(values, want) {
		t.Fatalf("%s: %v, want %v", expr, values, want)
	}
}

// previewSummary collects every host's preview reports into DIR/HOST, as
// an admin would with scp, runs tend preview-summary DIR here and fails
// the test unless its rows are want (HOST NODE REF COMMIT CHANGES
// FAILED) and it exits 4, a preview having failed.
func previewSummary(t *testing.T, hosts []*fleetHost, tend string, want []string) {
	t.Helper()
	dir := t.TempDir()
	for _, h := range hosts {
		if err := os.CopyFS(filepath.Join(dir, h.name), os.DirFS(filepath.Join(h.c.Root(), "var/lib/tend/previews"))); err != nil {
			t.Fatalf("collecting %s's previews: %v", h.name, err)
		}
	}
	out, err := exec.Command(tend, "preview-summary", dir).CombinedOutput()
	t.Logf("tend preview-summary (%v):\n%s", err, out)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 4 {
		t.Fatalf("tend preview-summary: %v, want exit 4 (a preview failed)", err)
	}
	var rows []string
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) == 6 && slices.Contains(names, f[0]) {
			rows = append(rows, strings.Join(f, " "))
		}
	}
	if !slices.Equal(rows, want) {
		t.Fatalf("tend preview-summary's rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
