package e2e

import (
	"strings"
	"testing"
)

// emailoutRollsBack: a node change whose main.cf passes `postconf -n`
// and `postfix check` but stops Postfix answering on port 25 (the smtp
// listener disabled) goes live, fails the module's health check after
// the reload, and is rolled back: the previous main.cf is back, Postfix
// runs and greets with 220, the run exits 4 with "rolled back" and the
// check's output, and the next runs plan and refuse the change as
// blocked until the configuration changes. It runs last in
// TestEmailoutConverges, on the converged host.
func emailoutRollsBack(t *testing.T, h *host) {
	before := h.sh("sha256sum < /etc/postfix/main.cf")

	node := h.readRoot("/srv/repo/data/nodes/emailout.hcl")
	h.writeRepo("data/nodes/emailout.hcl", node+"smtp_helo_name = \"infrastructure.cacert.org\\nmaster_service_disable = smtp/inet\"\n")
	out := h.apply("emailout", 4)
	for _, want := range []string{
		"module.postfix.service.postfix: FAILED: health check smtp greets failed: ",
		"rolled back module.postfix.file.main_cf; after the rollback the health checks pass",
		"module.postfix.file.main_cf: FAILED: rolled back after module.postfix.service.postfix: health check smtp greets failed",
		"connection refused",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("the run does not say %q:\n%s", want, out)
		}
	}
	emailoutAnswers(t, h, before)

	code, plan := h.tend("plan", "--node", "emailout")
	if code != 2 || !strings.Contains(plan, "module.postfix.file.main_cf will be updated in place (BLOCKED, rolled back at ") ||
		!strings.Contains(plan, "+master_service_disable = smtp/inet") {
		t.Fatalf("the next plan does not show the change as blocked (exit %d):\n%s", code, plan)
	}
	if out := h.apply("emailout", 4); !strings.Contains(out, "module.postfix.file.main_cf: FAILED: blocked: rolled back at ") {
		t.Fatalf("the blocked change was not refused:\n%s", out)
	}
	emailoutAnswers(t, h, before)

	// The configuration changes back: the block lifts, nothing to do.
	h.writeRepo("data/nodes/emailout.hcl", node)
	h.apply("emailout", 0)
	if got := h.sh("cat /var/lib/tend/blocks.json"); strings.Contains(got, "main_cf") {
		t.Fatalf("the block outlived the configuration it was for:\n%s", got)
	}
}

// emailoutAnswers: main.cf is the one before the change and Postfix runs
// it, greeting on port 25.
func emailoutAnswers(t *testing.T, h *host, mainCF string) {
	t.Helper()
	if got := h.sh("sha256sum < /etc/postfix/main.cf"); got != mainCF {
		t.Fatal("main.cf is not the previous one")
	}
	if got := h.sh("systemctl is-active postfix@-; postconf -h master_service_disable"); got != "active" {
		t.Fatalf("postfix: %q, want active with no master_service_disable", got)
	}
	banner := h.c.Run(t, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/25; head -1 <&3; printf 'QUIT\\r\\n' >&3")
	if !strings.HasPrefix(banner, "220 ") {
		t.Fatalf("port 25 answers %q", banner)
	}
}
