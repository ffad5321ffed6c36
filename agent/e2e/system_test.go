package e2e

import (
	"strings"
	"testing"
)

// relayNode is the system-resources acceptance node: packages installed
// together, accounts, configuration, a Postfix lookup table and the
// services, each ordered by references, implicit needs or depends_on.
const relayNode = `node "relay" {
  resource "package" "postfix" {
    name    = "postfix"
    debconf = { "postfix/main_mailer_type" = "select No configuration" }
  }
  resource "package" "opendkim" {
    name = "opendkim"
  }
  resource "group" "opendkim" {
    name       = "opendkim"
    depends_on = [package.opendkim]
  }
  resource "user" "postfix" {
    name       = "postfix"
    groups     = ["opendkim"]
    depends_on = [package.postfix]
  }
  resource "file" "main_cf" {
    path       = "/etc/postfix/main.cf"
    content    = file("main.cf")
    depends_on = [package.postfix]
    notify     = [service.postfix]
  }
  resource "file" "transport" {
    path       = "/etc/postfix/transport"
    content    = data.transport
    depends_on = [package.postfix]
  }
  resource "postfix_map" "transport" {
    path      = file.transport.path
    check_key = "lists.example.org"
    notify    = [service.postfix]
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
}
`

const relayMainCf = `compatibility_level = 2
myhostname = relay.test
mydestination = localhost
inet_interfaces = loopback-only
transport_maps = hash:/etc/postfix/transport
local_transport = error:local delivery is disabled
`

func relayRepo(route string) map[string]string {
	return map[string]string{
		"nodes/relay.hcl":      relayNode,
		"main.cf":              relayMainCf,
		"data/nodes/relay.hcl": "transport = \"lists.example.org  smtp:[" + route + "]\\n\"\n",
	}
}

// TestSystemResources is the acceptance of the system resources against
// a real Debian 11 container: one apt transaction, services enabled and
// running, a refresh that reloads without restarting, drift repaired, and
// nothing to do on a second run.
func TestSystemResources(t *testing.T) {
	t.Parallel()
	h := newHost(t, []string{"postfix", "opendkim"}, relayRepo("lists.test"))

	h.apply("relay", 2)
	history := h.sh("grep -c '^Commandline:' /var/log/apt/history.log || true")
	installLine := h.sh("grep '^Install:' /var/log/apt/history.log || true")
	if history != "1" || !strings.Contains(installLine, "postfix:") || !strings.Contains(installLine, "opendkim:") {
		t.Fatalf("want both packages in one apt transaction; %s transactions, install line: %s", history, installLine)
	}
	for _, unit := range []string{"postfix", "opendkim"} {
		if got := h.sh("systemctl is-active " + unit + "; systemctl is-enabled " + unit); got != "active\nenabled" {
			t.Fatalf("%s: %q, want active and enabled", unit, got)
		}
	}
	if got := h.sh("id -nG postfix"); !strings.Contains(got, "opendkim") {
		t.Fatalf("postfix is not in the opendkim group: %s", got)
	}
	if got := h.sh("postmap -q lists.example.org hash:/etc/postfix/transport"); got != "smtp:[lists.test]" {
		t.Fatalf("transport lookup = %q", got)
	}
	if out := h.apply("relay", 0); !strings.Contains(out, "0 changed, 0 failed, 0 skipped") {
		t.Fatalf("second run changed something:\n%s", out)
	}

	// a changed map is rebuilt and reloads postfix: the master keeps its PID
	masterPID := h.sh("cat /var/spool/postfix/pid/master.pid")
	h.writeRepo("data/nodes/relay.hcl", relayRepo("lists2.test")["data/nodes/relay.hcl"])
	out := h.apply("relay", 2)
	if !strings.Contains(out, "service.postfix: refreshed (notified by postfix_map.transport)") {
		t.Fatalf("postfix was not refreshed by the map:\n%s", out)
	}
	if got := h.sh("postmap -q lists.example.org hash:/etc/postfix/transport"); got != "smtp:[lists2.test]" {
		t.Fatalf("rebuilt transport lookup = %q", got)
	}
	if got := h.sh("cat /var/spool/postfix/pid/master.pid"); got != masterPID {
		t.Fatalf("postfix master PID %s -> %s: restarted instead of reloaded", masterPID, got)
	}

	// drift: a stopped service is started, a deleted table rebuilt
	h.sh("systemctl stop opendkim; rm /etc/postfix/transport.db")
	h.apply("relay", 2)
	if got := h.sh("systemctl is-active opendkim"); got != "active" {
		t.Fatalf("stopped opendkim not started again: %s", got)
	}
	if got := h.sh("postmap -q lists.example.org hash:/etc/postfix/transport"); got != "smtp:[lists2.test]" {
		t.Fatalf("deleted table not rebuilt: %q", got)
	}
	if out := h.apply("relay", 0); !strings.Contains(out, "0 changed") {
		t.Fatalf("run after repair changed something:\n%s", out)
	}
}
