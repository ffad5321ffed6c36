package container

import (
	"strings"
	"testing"
	"time"
)

// TestReleases boots each release and checks that it is the one asked
// for, that systemd runs and that apt installs offline from its own .debs.
func TestReleases(t *testing.T) {
	for _, tc := range []struct{ release, version string }{
		{"", "11."},
		{"bookworm", "12."},
	} {
		t.Run("release="+tc.release, func(t *testing.T) {
			start := time.Now()
			c := New(t, Options{Release: tc.release, Packages: []string{"hello"}})
			c.Boot(t)
			t.Logf("New+Boot: %s", time.Since(start).Round(time.Millisecond))
			if got := c.Run(t, "cat", "/etc/debian_version"); !strings.HasPrefix(got, tc.version) {
				t.Errorf("/etc/debian_version = %q, want %s*", got, tc.version)
			}
			state, _, _ := c.Exec(t.Context(), "systemctl", "is-system-running")
			if s := strings.TrimSpace(state); s != "running" && s != "degraded" {
				t.Errorf("systemctl is-system-running = %q, want running or degraded", s)
			}
			c.Run(t, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "hello")
			if got := c.Run(t, "hello"); strings.TrimSpace(got) != "Hello, world!" {
				t.Errorf("hello printed %q", got)
			}
		})
	}
}

func TestUnknownRelease(t *testing.T) {
	t.Setenv("TEND_TEST_CACHE", t.TempDir())
	for _, bad := range []string{"trixie", "Bookworm", "../bullseye"} {
		if _, err := openCache(&strings.Builder{}, bad); err == nil || !strings.Contains(err.Error(), "Options.Release") {
			t.Errorf("openCache(%q) = %v, want an Options.Release error", bad, err)
		}
	}
	if c, err := openCache(&strings.Builder{}, ""); err != nil || c.suite != "bullseye" {
		t.Errorf("openCache(\"\") = %+v, %v, want bullseye", c, err)
	}
}
