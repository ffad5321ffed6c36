package e2e

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAgentTimerEndToEnd installs tend's package in a fresh Debian 11
// LXC container and runs the agent as its timer does (systemctl start tend.service)
// against a bare repository of the example, inside the container, with
// commits signed here by keys made for the test: the emailout node
// converges; a signed change is applied by the next run; an unsigned
// commit, a commit by an unknown key and a missing repository each leave
// the last known good applied, flagged in the report, the metrics and by
// tend check; a disabled agent does nothing and says why; two runs at
// once never apply at the same time.
func TestAgentTimerEndToEnd(t *testing.T) {
	t.Parallel()
	start := time.Now()
	a := newAgentHost(t)
	t.Logf("container booted, package installed: %s", time.Since(start).Round(time.Millisecond))
	step := func(name string, f func(*testing.T, *agentHost)) {
		s := time.Now()
		f(t, a)
		t.Logf("%s: %s", name, time.Since(s).Round(time.Millisecond))
	}
	step("converge", agentConverges)
	step("signed change", agentAppliesSignedChange)
	step("refused commits", agentRefusesCommits)
	step("unreachable source", agentSourceGone)
	step("disable", agentDisabled)
	step("lock", agentLock)
	t.Logf("total: %s", time.Since(start).Round(time.Millisecond))
}

// agentConverges: the first run through the unit converges the emailout
// node from a signed commit; the report names the commit and its signer;
// the next run changes and restarts nothing.
func agentConverges(t *testing.T, a *agentHost) {
	c1 := a.push("example", a.alice())
	a.start().want(t, 2, "success")
	for _, unit := range []string{"postfix", "opendkim"} {
		if got := a.sh("systemctl is-active " + unit); got != "active" {
			t.Fatalf("%s is %s after the run", unit, got)
		}
	}
	emailoutRuns(t, a.host)
	emailoutMaps(t, a.host)
	s := a.summary()
	if s.Source.ID != c1 || s.Source.LastKnownGood || !regexp.MustCompile(`^SSH key SHA256:\S+ \(alice@tend.test\)$`).MatchString(s.Source.Signer) {
		t.Fatalf("last run summary's source: %+v, want commit %s signed by alice's SSH key", s.Source, c1)
	}
	n := a.wantCheck(0, "OK", "commit "+c1[:12]+": ")
	if n.Perf["failed"] != "0" || n.Perf["changed"] == "0" {
		t.Fatalf("tend check perfdata: %v", n.Perf)
	}
	// The next run through the unit, on the same commit, changes nothing.
	pids := a.servicePIDs("postfix@-", "opendkim")
	a.start().want(t, 0, "success")
	if s := a.summary(); s.Summary.Changed != 0 || s.Summary.Failed != 0 || s.Source.ID != c1 {
		t.Fatalf("second run through the unit: %+v on %s, want nothing changed on %s", s.Summary, s.Source.ID, c1)
	}
	if now := a.servicePIDs("postfix@-", "opendkim"); now != pids {
		t.Fatalf("the second run restarted a service: %s -> %s", pids, now)
	}
	a.lastGood = c1
}

// agentAppliesSignedChange: a new transport entry, signed and pushed, is
// in the Postfix table after the next run.
func agentAppliesSignedChange(t *testing.T, a *agentHost) {
	a.edit("data/roles/mail-relay.hcl", "transport = [\n", "transport = [\n  { key = \"one.e2e.test\", value = \"smtp:[one.relay.test]\" },\n")
	c2 := a.push("transport: one.e2e.test", a.alice())
	r := a.start()
	r.want(t, 2, "success")
	if got := a.sh("postmap -q one.e2e.test hash:/etc/postfix/transport"); got != "smtp:[one.relay.test]" {
		t.Fatalf("signed change not applied: postmap -q one.e2e.test = %q\n%s", got, r.Journal)
	}
	if s := a.summary(); s.Source.ID != c2 {
		t.Fatalf("last run applied %s, want %s", s.Source.ID, c2)
	}
	a.wantCheck(0, "OK", "commit "+c2[:12]+": ")
	a.lastGood = c2
}

// agentRefusesCommits: an unsigned commit, then one signed by a key not
// on the allowlist, are each refused; the last known good stays applied.
func agentRefusesCommits(t *testing.T, a *agentHost) {
	for _, c := range []struct {
		key, why string
		commit   []string
	}{
		{"two.e2e.test", "it is not signed", unsigned()},
		{"three.e2e.test", "it is signed by a key that is not in the allowlist (SSH key SHA256:", a.stranger()},
	} {
		a.edit("data/roles/mail-relay.hcl", "transport = [\n", "transport = [\n  { key = \""+c.key+"\", value = \"smtp:[refused.relay.test]\" },\n")
		id := a.push("transport: "+c.key, c.commit)
		r := a.start()
		r.want(t, 8, "exit-code")
		refusal := "refusing commit " + id[:12] + ": " + c.why
		if !strings.Contains(r.Journal, refusal) || !strings.Contains(r.Journal, "Applying the LAST KNOWN GOOD commit "+a.lastGood) {
			t.Fatalf("the run's journal does not say %q and that it applies %s:\n%s", refusal, a.lastGood, r.Journal)
		}
		a.wantLastGood(8, refusal, c.key)
	}
}

// wantLastGood: the last run applied the last known good commit, exiting
// with code, and said why in the summary, the metrics and tend check;
// refusedKey, a transport entry only the refused commit has, is not in
// the table.
func (a *agentHost) wantLastGood(code int, why, refusedKey string) {
	t := a.t
	t.Helper()
	if got := a.sh("postmap -q " + refusedKey + " hash:/etc/postfix/transport; echo exit=$?"); got != "exit=1" {
		t.Fatalf("the refused commit was applied: postmap -q %s: %q", refusedKey, got)
	}
	if got := a.sh("postmap -q one.e2e.test hash:/etc/postfix/transport"); got != "smtp:[one.relay.test]" {
		t.Fatalf("the last known good's entry is gone: %q", got)
	}
	s := a.summary()
	if s.Source.ID != a.lastGood || !s.Source.LastKnownGood || !strings.Contains(s.Source.Why, why) || s.ExitCode != code {
		t.Fatalf("last run summary: source %+v, exit %d; want the last known good %s flagged with %q, exit %d", s.Source, s.ExitCode, a.lastGood, why, code)
	}
	if got := a.sh("grep -E '^tend_last_run_(stale_config|exit_code) ' /var/lib/prometheus/node-exporter/tend.prom | sort"); got != fmt.Sprintf("tend_last_run_exit_code %d\ntend_last_run_stale_config 1", code) {
		t.Fatalf("metrics: %q", got)
	}
	a.wantCheck(1, "WARNING", "commit "+a.lastGood[:12]+": ", "applying the last known good commit, not the source's tip: "+why)
}

// agentSourceGone: with the bare repository gone, the run applies the
// last known good (and so repairs a deleted table) and tend check warns.
func agentSourceGone(t *testing.T, a *agentHost) {
	a.sh("mv /srv/git/nodes.git /srv/git/nodes.git.away; rm /etc/postfix/transport.db")
	r := a.start()
	r.want(t, 10, "exit-code")
	if !strings.Contains(r.Journal, `module.postfix.postfix_map.map["transport"]: applied create`) {
		t.Fatalf("the last known good did not rebuild the deleted table:\n%s", r.Journal)
	}
	a.wantLastGood(10, "source /srv/git/nodes.git is unreachable", "three.e2e.test")
	a.sh("mv /srv/git/nodes.git.away /srv/git/nodes.git")
}

// agentDisabled: a disabled agent does nothing, not even a signed
// change, says who disabled it and why, and leaves the unit successful;
// once enabled the next run applies the change.
func agentDisabled(t *testing.T, a *agentHost) {
	a.s.git("checkout", a.lastGood, "--", ".") // drop the refused entries
	a.edit("data/roles/mail-relay.hcl", "transport = [\n", "transport = [\n  { key = \"four.e2e.test\", value = \"smtp:[four.relay.test]\" },\n")
	c := a.push("transport: four.e2e.test", a.alice())
	if code, out := a.exec("env", "SUDO_USER=ops", "tend", "disable", "--reason", "maintenance"); code != 0 {
		t.Fatalf("tend disable exited %d: %s", code, out)
	}
	before := a.summary().RunID
	r := a.start()
	r.want(t, 3, "success")
	if !regexp.MustCompile(`tend agent: disabled by ops since \S+: maintenance \(until enabled\); not running \(tend enable lifts it\)`).MatchString(r.Journal) {
		t.Fatalf("the disabled run does not say who and why:\n%s", r.Journal)
	}
	if got := a.sh("journalctl --no-pager -o verbose SYSLOG_IDENTIFIER=tend MESSAGE='agent disabled; not running' | sed -n 's/^ *\\(TEND_WHO=.*\\|TEND_REASON=.*\\)/\\1/p' | sort -u"); got != "TEND_REASON=maintenance\nTEND_WHO=ops" {
		t.Fatalf("journal fields of the disabled run: %q", got)
	}
	if got := a.sh("postmap -q four.e2e.test hash:/etc/postfix/transport; echo exit=$?"); got != "exit=1" || a.summary().RunID != before {
		t.Fatalf("the disabled run did something: postmap %q, last run %s (was %s)", got, a.summary().RunID, before)
	}
	a.wantCheck(1, "WARNING", "agent disabled by ops since ", ": maintenance")
	if got := a.sh("grep '^tend_disabled ' /var/lib/prometheus/node-exporter/tend.prom"); got != "tend_disabled 1" {
		t.Fatalf("metrics while disabled: %q", got)
	}

	a.sh("tend enable")
	a.start().want(t, 2, "success")
	if got := a.sh("postmap -q four.e2e.test hash:/etc/postfix/transport"); got != "smtp:[four.relay.test]" {
		t.Fatalf("the run after tend enable did not apply the change: %q", got)
	}
	if s := a.summary(); s.Source.ID != c || s.Source.LastKnownGood {
		t.Fatalf("the run after tend enable applied %+v, want %s", s.Source, c)
	}
	a.wantCheck(0, "OK")
	a.lastGood = c
}

// slowNode adds to emailout an exec resource that runs at every apply,
// takes four seconds and records when it started and ended.
const slowNode = `
  resource "exec" "slow" {
    command = "echo start $(date +%s.%N) >> /srv/applies; sleep 4; echo end $(date +%s.%N) >> /srv/applies"
  }
}
`

// agentLock: while the timer's run applies, a second run exits 5 naming
// it; a third that waits for the lock applies after it. The applies
// never overlap.
func agentLock(t *testing.T, a *agentHost) {
	a.edit("nodes/emailout.hcl", "\n}\n", slowNode)
	a.push("emailout: a slow resource", a.alice())
	a.sh("systemctl reset-failed tend.service; systemctl start --no-block tend.service")
	a.waitFor("cat /srv/applies 2>/dev/null", "start ")
	pid := a.sh("systemctl show -p MainPID --value tend.service")

	code, out := a.exec("tend", "agent")
	m := regexp.MustCompile(`(?m)^tend agent: another tend run holds /var/lib/tend/run.lock: pid (\d+) \(tend agent\), since \S+ \(\d+s ago\); not running$`).FindStringSubmatch(out)
	if code != 5 || m == nil || m[1] != pid {
		t.Fatalf("a second run exited %d, want 5 naming tend.service's pid %s:\n%s", code, pid, out)
	}
	waiting := float64(time.Now().UnixNano()) / 1e9
	if code, out := a.exec("tend", "agent", "--wait-for-lock", "2m"); code != 2 {
		t.Fatalf("a run waiting for the lock exited %d, want 2:\n%s", code, out)
	}
	a.waitFor("systemctl is-active tend.service", "inactive")
	if r := a.lastUnitRun(); r.Status != 2 || r.Result != "success" {
		t.Fatalf("the timer's run exited %d, %s:\n%s", r.Status, r.Result, r.Journal)
	}

	iv := a.applies()
	t.Logf("applies of the slow resource: %v; the waiting run started at %f", iv, waiting)
	if len(iv) != 2 {
		t.Fatalf("%d applies of the slow resource, want 2 (the timer's and the waiting run's): %v", len(iv), iv)
	}
	if waiting > iv[0][1] {
		t.Fatalf("the waiting run started after the first apply had ended: the test proves nothing; %v, %f", iv, waiting)
	}
	if iv[1][0] < iv[0][1] {
		t.Fatalf("two applies overlapped: %v", iv)
	}
}

// applies reads /srv/applies into [start, end] intervals, by start.
func (a *agentHost) applies() [][2]float64 {
	var iv [][2]float64
	open := map[int]bool{}
	for _, l := range strings.Split(a.sh("cat /srv/applies"), "\n") {
		word, ts, _ := strings.Cut(l, " ")
		v, err := strconv.ParseFloat(ts, 64)
		if err != nil {
			a.t.Fatalf("/srv/applies: %q", l)
		}
		switch word {
		case "start":
			iv = append(iv, [2]float64{v, 0})
			open[len(iv)-1] = true
		case "end":
			// an end closes the earliest open apply; overlapping applies
			// show as a start before the previous end
			for i := range iv {
				if open[i] {
					iv[i][1], open[i] = v, false
					break
				}
			}
		default:
			a.t.Fatalf("/srv/applies: %q", l)
		}
	}
	for i := range iv {
		if open[i] {
			a.t.Fatalf("an apply of the slow resource never ended: %v", iv)
		}
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
	return iv
}

// waitFor polls a shell command until its output contains want.
func (a *agentHost) waitFor(cmd, want string) {
	a.t.Helper()
	var got string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = a.sh(cmd + "; true"); strings.Contains(got, want) {
			return
		}
	}
	a.t.Fatalf("%s: %q, want it to contain %q\n%s", cmd, got, want, a.c.Journal(a.t, "tend.service"))
}
