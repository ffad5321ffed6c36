package logging_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/container"
)

// TestJournalInContainer logs through the handler in a booted Debian 11
// container and reads the entries back with journalctl -o json.
func TestJournalInContainer(t *testing.T) {
	c := container.New(t, container.Options{})
	probe := container.Build(t, "./internal/journalprobe")
	c.CopyIn(t, probe, "/usr/local/bin/journalprobe")
	c.Boot(t)

	if got := strings.TrimSpace(c.Run(t, "/usr/local/bin/journalprobe", "run-7f3a")); got != "journal" {
		t.Fatalf("probe chose %q with journald running", got)
	}
	c.Run(t, "journalctl", "--sync")
	out := c.Run(t, "journalctl", "-o", "json", "--no-pager", "TEND_RUN_ID=run-7f3a")
	var entries []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("journalctl line %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	if len(entries) != 4 {
		t.Fatalf("want 4 entries, got %d:\n%s", len(entries), out)
	}
	want := []map[string]string{
		{"MESSAGE": "resource changed", "PRIORITY": "6", "TEND_NODE": "mx1", "TEND_COMMIT": "0123abcd", "TEND_RESOURCE": "file.main_cf", "TEND_ACTION": "update", "SYSLOG_IDENTIFIER": "tend"},
		{"MESSAGE": "applying the last known good", "PRIORITY": "4", "TEND_SOURCE_WHY": "unreachable"},
		{"MESSAGE": "resource failed", "PRIORITY": "3", "TEND_RESOURCE_ADDRESS": "exec.broken", "TEND_ERR": "command exited 3"},
		{"MESSAGE": "multi\nline", "PRIORITY": "7"},
	}
	for i, w := range want {
		for k, v := range w {
			if got, _ := entries[i][k].(string); got != v {
				t.Errorf("entry %d: %s = %q, want %q", i, k, entries[i][k], v)
			}
		}
	}

	// without journald's socket the same binary falls back to stderr
	stdout, stderr, err := c.Exec(t.Context(), "/bin/sh", "-c",
		"mount --bind /dev/null /run/systemd/journal/socket && /usr/local/bin/journalprobe run-2")
	if err != nil || strings.TrimSpace(stdout) != "text" || !strings.Contains(stderr, `level=INFO msg="resource changed" run_id=run-2 node=mx1`) {
		t.Fatalf("fallback: %v\nstdout %q\nstderr %q", err, stdout, stderr)
	}
}
