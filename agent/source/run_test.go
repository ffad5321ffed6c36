package source

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostConfigDoesNotLeak fetches with a hostile global configuration
// and git environment in the caller: a URL rewrite and a GIT_DIR that
// would each break the fetch if they reached git.
func TestHostConfigDoesNotLeak(t *testing.T) {
	r := newRemote(t)
	want := r.commit("nodes/a.hcl", "# a\n", byPGP)
	home := t.TempDir()
	cfg := "[url \"/nonexistent/\"]\n\tinsteadOf = " + r.dir + "\n[core]\n\thooksPath = /nonexistent\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("GIT_DIR", "/nonexistent")
	t.Setenv("GNUPGHOME", testKeys.gnupg) // holds the unknown key too
	s := r.open(Config{Signers: Signers{SSH: allowed().SSH}})
	got, err := s.Fetch(t.Context())
	if err != nil || got != want {
		t.Fatalf("Fetch = %s, %v", got, err)
	}
	if _, err := s.Verify(t.Context(), got); err == nil {
		t.Error("an OpenPGP key outside the allowlist was used from the caller's GNUPGHOME")
	}
}

// TestTimeoutKillsProcessGroup runs a command whose child would outlive a
// plain kill of the parent.
func TestTimeoutKillsProcessGroup(t *testing.T) {
	s := (&remote{t: t}).open(Config{URL: "/nowhere", Timeout: 300 * time.Millisecond})
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	_, _, err := s.run(t.Context(), call{name: "sh", args: []string{"-c", "sleep 30 & echo $! > " + pidFile + "; wait"}})
	if err == nil || !strings.Contains(err.Error(), "timed out after 300ms") {
		t.Fatalf("run = %v, want a timeout", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("returned after %s", took)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	deadline := time.Now().Add(2 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the child %d outlived the timeout", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
