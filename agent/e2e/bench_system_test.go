package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/bench/sysinfo"
)

// The system-catalog benchmark: a no-op run of 20 packages, 5 services and
// 3 Postfix maps in a booted Debian 11 container. It runs only when
// $TEND_BENCH_OUT names the Markdown file to write its section into
// (`make bench` sets it to docs/BENCHMARKS.md); `make e2e` skips it.

const (
	catalogNode = "catalog"
	// applyTarget is the spec's target for a no-op apply of the catalog.
	applyTarget = 300 * time.Millisecond
	benchRuns   = 5 // timed runs per measurement, after one warm-up
	countRuns   = 3 // runs through the dpkg-query counting shim
	// The section's markers in the output file.
	sectionStart = "<!-- system -->"
	sectionEnd   = "<!-- /system -->"
)

// basePackages are 18 packages the container's root file system (Debian
// 11 minbase with systemd and dbus) has installed: with postfix and
// opendkim, the catalog's 20.
var basePackages = []string{
	"adduser", "apt", "base-files", "base-passwd", "bash", "coreutils",
	"dash", "dbus", "debconf", "dpkg", "grep", "login", "passwd", "sed",
	"systemd", "systemd-sysv", "tar", "util-linux",
}

// catalogHCL is the benchmark's node. The three services of the base
// system are static units: enable stays unset, as the service kind
// requires.
const catalogHCL = `node "catalog" {
  resource "package" "postfix" {
    name    = "postfix"
    debconf = { "postfix/main_mailer_type" = "select No configuration" }
  }
  resource "package" "opendkim" {
    name = "opendkim"
  }
  resource "package" "base" {
    for_each = toset([%s])
    name     = each.key
  }

  resource "file" "main_cf" {
    path       = "/etc/postfix/main.cf"
    content    = file("main.cf")
    depends_on = [package.postfix]
    notify     = [service.postfix]
  }
  resource "file" "transport" {
    path       = "/etc/postfix/transport"
    content    = "lists.example.org  smtp:[lists.test]\n"
    depends_on = [package.postfix]
  }
  resource "file" "canonical" {
    path       = "/etc/postfix/canonical"
    content    = "/^postmaster@(.*)$/  hostmaster@$1\n"
    depends_on = [package.postfix]
  }
  resource "file" "aliases" {
    path       = "/etc/aliases"
    content    = "postmaster: root\nabuse: root\n"
    depends_on = [package.postfix]
  }

  resource "postfix_map" "transport" {
    path   = file.transport.path
    notify = [service.postfix]
  }
  resource "postfix_map" "canonical" {
    path   = file.canonical.path
    type   = "regexp"
    notify = [service.postfix]
  }
  resource "postfix_map" "aliases" {
    path   = file.aliases.path
    alias  = true
    notify = [service.postfix]
  }

  resource "service" "postfix" {
    name   = "postfix"
    ensure = "running"
    enable = true
  }
  resource "service" "opendkim" {
    name   = "opendkim"
    ensure = "running"
    enable = true
  }
  resource "service" "dbus" {
    name   = "dbus"
    ensure = "running"
  }
  resource "service" "journald" {
    name    = "systemd-journald"
    ensure  = "running"
    package = "systemd"
  }
  resource "service" "logind" {
    name    = "systemd-logind"
    ensure  = "running"
    package = "systemd"
  }
}
`

const catalogMainCf = `compatibility_level = 2
myhostname = catalog.test
mydestination = localhost
inet_interfaces = loopback-only
transport_maps = hash:/etc/postfix/transport
canonical_maps = regexp:/etc/postfix/canonical
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
`

func catalogRepo() map[string]string {
	quoted := make([]string, len(basePackages))
	for i, p := range basePackages {
		quoted[i] = strconv.Quote(p)
	}
	return map[string]string{
		"nodes/catalog.hcl": fmt.Sprintf(catalogHCL, strings.Join(quoted, ", ")),
		"main.cf":           catalogMainCf,
	}
}

// catalogKinds is how many resources of each kind the catalog has.
var catalogKinds = map[string]int{"package": 20, "service": 5, "postfix_map": 3, "file": 4}

// TestSystemCatalogBenchmark converges the catalog once, then measures
// its no-op apply and plan inside the container, counts dpkg-query calls
// per run, and writes the section of $TEND_BENCH_OUT. It fails when a run
// calls dpkg-query other than once or the no-op apply misses its target,
// after writing the section.
func TestSystemCatalogBenchmark(t *testing.T) {
	out := os.Getenv("TEND_BENCH_OUT")
	if out == "" {
		t.Skip("the system-catalog benchmark runs when $TEND_BENCH_OUT names its output file (make bench)")
	}
	loadBefore := sysinfo.LoadAvg()
	h := newHost(t, []string{"postfix", "opendkim"}, catalogRepo())
	h.c.CopyIn(t, timerunBinary(t), "/usr/local/bin/timerun")
	h.apply(catalogNode, 2)
	checkCatalog(h)

	b := &systemBench{date: time.Now().UTC(), loadBefore: loadBefore}
	b.apply = h.timed("apply", benchRuns)
	b.plan = h.timed("plan", benchRuns)
	b.start = h.timedArgs(benchRuns, "/usr/local/bin/tend", "help")
	b.load = h.timedArgs(benchRuns, "/usr/local/bin/tend", "validate", "--node", catalogNode, "--repo", "/srv/repo")
	b.dpkg = h.timedArgs(benchRuns, "dpkg-query", "--admindir=/var/lib/dpkg", "-W", `-f=${Package}\t${Architecture}\t${Version}\t${Status}\n`)
	installCountingShim(h)
	b.applyCalls = h.countDpkgQuery("apply", countRuns)
	b.planCalls = h.countDpkgQuery("plan", countRuns)
	b.debian = h.sh("cat /etc/debian_version")
	b.loadAfter = sysinfo.LoadAvg()

	if err := writeSection(out, b.markdown()); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote the system-catalog section of %s:\n%s", out, b.summary())
	if !b.callsPass() {
		t.Errorf("dpkg-query calls per no-op run: apply %v, plan %v; want 1 in every run", b.applyCalls, b.planCalls)
	}
	if got := b.apply.median(); got >= applyTarget {
		t.Errorf("no-op apply of the catalog took %v (median of %d), target under %v", ms(got), benchRuns, applyTarget)
	}
}

// checkCatalog makes sure the first run converged what the benchmark is
// about, so that the no-op runs measure a complete catalog.
func checkCatalog(h *host) {
	h.t.Helper()
	for _, unit := range []string{"postfix", "opendkim", "dbus", "systemd-journald", "systemd-logind"} {
		if got := h.sh("systemctl is-active " + unit); got != "active" {
			h.t.Fatalf("%s is %q after the first run, want active", unit, got)
		}
	}
	checks := map[string]string{
		"postmap -q lists.example.org hash:/etc/postfix/transport":   "smtp:[lists.test]",
		"postmap -q postmaster@x.test regexp:/etc/postfix/canonical": "hostmaster@x.test",
		"postalias -q abuse hash:/etc/aliases":                       "root",
	}
	for cmd, want := range checks {
		if got := h.sh(cmd); got != want {
			h.t.Fatalf("%s = %q, want %q", cmd, got, want)
		}
	}
}
