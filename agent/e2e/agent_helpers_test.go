package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/debian"
	"github.com/tendhq/tend/resources/report"
	"github.com/tendhq/tend/testfixtures/container"
)

var debBuild shared

// debPackage builds tend's .deb once per test binary, as make deb does:
// a static, stripped, -trimpath binary packaged by agent/debian.
func debPackage(t *testing.T) string {
	return debBuild.get(t, "deb", func(dir string) (string, error) {
		bin := filepath.Join(dir, "tend-static")
		if err := container.BuildStatic("github.com/tendhq/tend/agent/cmd/tend", bin, "-ldflags=-s -w"); err != nil {
			return "", err
		}
		return debian.Build(context.Background(), debian.Package{Binary: bin, Version: "0~e2e", Date: time.Unix(1772359200, 0)}, dir)
	})
}

// agentHost is a booted Debian 11 with tend installed from its package
// and set up to follow the bare repository /srv/git/nodes.git inside it,
// to which a work repository of the example on this machine pushes
// commits signed (or not) with the keys of s.
type agentHost struct {
	*host
	s    *signer
	bare string // the bare repository, as seen from this machine
	// lastGood is the commit the agent must fall back on.
	lastGood string
}

// agentSettings is /etc/tend/agent.hcl.
const agentSettings = `source  = "/srv/git/nodes.git"
signers = "/etc/tend/signers"
node    = "emailout"
`

func newAgentHost(t *testing.T) *agentHost {
	s := newSigner(t)
	src, err := filepath.Abs("../../testfixtures/example")
	if err != nil {
		t.Fatal(err)
	}
	s.cmd("cp", "-a", src+"/.", s.path("work"))
	confineExample(t, s.path("work"))
	// No keys: the snakeoil certificate will do and the relay generates its
	// DKIM key, as the example's data allows.
	s.cmd("rm", "-rf", s.path("work/secrets"), s.path("work/certs"))
	pkgs := append(nodePackages(t, "emailout"), "gnupg", "openssh-client")
	// An LXC container, as the documented hosts are; the other end-to-end
	// tests boot systemd-nspawn, and TestEmailoutOfflineInLXC prepares a
	// stopped LXC container from outside.
	c := container.New(t, container.Options{Packages: pkgs, Engine: container.LXC})
	c.CopyIn(t, debPackage(t), "/root/tend.deb")
	a := &agentHost{host: &host{t: t, c: c}, s: s, bare: filepath.Join(c.Root(), "srv/git/nodes.git")}
	s.cmd("git", "init", "-q", "--bare", a.bare)
	a.writeRoot("/etc/tend/signers", "alice@tend.test "+s.read("id_alice.pub"))
	a.writeRoot("/var/lib/prometheus/node-exporter/.keep", "")
	c.Boot(t)
	a.startDNS()
	a.sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -q git gnupg openssh-client >/dev/null")
	a.sh("dpkg -i /root/tend.deb >/dev/null")
	a.writeRoot("/etc/tend/agent.hcl", agentSettings)
	return a
}

// Ways to commit: signed by alice (on the allowlist), unsigned, signed by
// a stranger's key.
func (a *agentHost) alice() []string    { return sshSign(a.s, "id_alice") }
func (a *agentHost) stranger() []string { return sshSign(a.s, "id_stranger") }
func unsigned() []string                { return []string{"commit", "--no-gpg-sign"} }

func sshSign(s *signer, key string) []string {
	return []string{"-c", "gpg.format=ssh", "-c", "user.signingkey=" + s.path(key), "commit", "-S"}
}

// edit replaces old by new in a file of the work repository.
func (a *agentHost) edit(name, old, new string) {
	a.t.Helper()
	p := a.s.path(filepath.Join("work", name))
	b, err := os.ReadFile(p)
	if err != nil {
		a.t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		a.t.Fatalf("%s does not contain %q", name, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		a.t.Fatal(err)
	}
}

// push commits the work repository with the given git arguments, pushes
// it to the bare repository and returns the commit.
func (a *agentHost) push(msg string, commit []string) string {
	a.t.Helper()
	a.s.git("add", "-A")
	a.s.git(append(commit, "-q", "-m", msg)...)
	a.s.git("push", "-q", a.bare, "main")
	return strings.TrimSpace(a.s.cmd("git", "-C", a.s.path("work"), "rev-parse", "HEAD"))
}

// unitRun is what systemd says about tend.service's last run, and what
// that run wrote to the journal.
type unitRun struct {
	Status  int    // ExecMainStatus
	Result  string // Result
	Journal string // this invocation's messages
}

// start runs tend.service once, as tend.timer does, and waits for it.
func (a *agentHost) start() unitRun {
	a.t.Helper()
	// The runs here come faster than systemd's start rate limit (5 in
	// 10s) allows; a timer's never do.
	a.sh("systemctl reset-failed tend.service")
	_, _, _ = a.c.Exec(context.Background(), "systemctl", "start", "tend.service") // fails with the unit
	return a.lastUnitRun()
}

func (a *agentHost) lastUnitRun() unitRun {
	a.t.Helper()
	props := map[string]string{}
	for _, l := range strings.Split(a.sh("systemctl show -p ExecMainStatus -p Result -p InvocationID tend.service"), "\n") {
		k, v, _ := strings.Cut(l, "=")
		props[k] = v
	}
	var r unitRun
	fmt.Sscan(props["ExecMainStatus"], &r.Status)
	r.Result = props["Result"]
	a.sh("journalctl --sync")
	r.Journal = a.sh("journalctl --no-pager -o cat _SYSTEMD_INVOCATION_ID=" + props["InvocationID"])
	return r
}

// want fails the test unless the run exited with status and left the
// unit with result.
func (r unitRun) want(t *testing.T, status int, result string) {
	t.Helper()
	if r.Status != status || r.Result != result {
		t.Fatalf("tend.service exited %d with result %q, want %d and %q:\n%s", r.Status, r.Result, status, result, r.Journal)
	}
}

// summary reads the last run summary.
func (a *agentHost) summary() report.LastRunSummary {
	a.t.Helper()
	var s report.LastRunSummary
	if err := json.Unmarshal([]byte(a.readRoot("/var/lib/tend/last_run_summary.json")), &s); err != nil {
		a.t.Fatal(err)
	}
	return s
}

// check runs tend check and parses its output as a Nagios plugin's.
func (a *agentHost) check() (int, nagios) {
	a.t.Helper()
	code, out := a.exec("tend", "check")
	a.t.Logf("tend check: exit %d: %s", code, strings.TrimSpace(out))
	n, err := parseNagios(out)
	if err != nil {
		a.t.Fatalf("tend check (exit %d): %v", code, err)
	}
	return code, n
}

// nagios is a plugin's first output line, taken apart.
type nagios struct {
	Status, Message string
	Perf            map[string]string // label: value with its unit
}

var (
	nagiosLine = regexp.MustCompile(`^TEND (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+?) \| (.+)$`)
	perfItem   = regexp.MustCompile(`^('[^'=]+'|[^'= ]+)=(-?[0-9.]+)([a-zA-Z%]*)((;-?[0-9.]*){0,4})$`)
)

// parseNagios checks output against the plugin guidelines: one line of
// status word, message and space-separated perfdata
// 'label'=value[UOM];[warn];[crit];[min];[max].
func parseNagios(out string) (nagios, error) {
	line := strings.TrimRight(out, "\n")
	if strings.Contains(line, "\n") {
		return nagios{}, fmt.Errorf("more than one line: %q", out)
	}
	m := nagiosLine.FindStringSubmatch(line)
	if m == nil {
		return nagios{}, fmt.Errorf("not STATUS - message | perfdata: %q", out)
	}
	n := nagios{Status: m[1], Message: m[2], Perf: map[string]string{}}
	for _, item := range strings.Fields(m[3]) {
		p := perfItem.FindStringSubmatch(item)
		if p == nil {
			return nagios{}, fmt.Errorf("perfdata %q: not 'label'=value[UOM];warn;crit;min;max", item)
		}
		n.Perf[strings.Trim(p[1], "'")] = p[2] + p[3]
	}
	return n, nil
}

// wantCheck fails the test unless tend check exits with code and status
// and its message contains each of msgs.
func (a *agentHost) wantCheck(code int, status string, msgs ...string) nagios {
	a.t.Helper()
	got, n := a.check()
	if got != code || n.Status != status {
		a.t.Fatalf("tend check exited %d with %s, want %d and %s: %s", got, n.Status, code, status, n.Message)
	}
	for _, m := range msgs {
		if !strings.Contains(n.Message, m) {
			a.t.Fatalf("tend check says %q, want it to contain %q", n.Message, m)
		}
	}
	return n
}
