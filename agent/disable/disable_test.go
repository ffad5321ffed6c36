package disable

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDisableCheckEnable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	t.Setenv("SUDO_USER", "alice")
	s, err := Disable(dir, "  kernel upgrade  ", 0, now)
	if err != nil {
		t.Fatal(err)
	}
	if s.Who != "alice" || s.Reason != "kernel upgrade" || !s.Until.IsZero() {
		t.Fatalf("state %+v", s)
	}
	fi, err := os.Stat(filepath.Join(dir, File))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", fi, err)
	}
	active, lifted, err := Check(dir, now.Add(1000*time.Hour))
	if err != nil || lifted != nil || active == nil || active.Reason != "kernel upgrade" {
		t.Fatalf("Check = %+v, %+v, %v", active, lifted, err)
	}
	if want := "disabled by alice since 2026-03-01T10:00:00Z: kernel upgrade (until enabled)"; active.String() != want {
		t.Fatalf("String() = %q", active.String())
	}
	removed, err := Enable(dir)
	if err != nil || removed == nil || removed.Who != "alice" {
		t.Fatalf("Enable = %+v, %v", removed, err)
	}
	if removed, err := Enable(dir); removed != nil || err != nil {
		t.Fatalf("second Enable = %+v, %v", removed, err)
	}
	if active, lifted, err := Check(dir, now); active != nil || lifted != nil || err != nil {
		t.Fatalf("Check after enable = %+v, %+v, %v", active, lifted, err)
	}
}

func TestExpiredDisableLiftsOnce(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, err := Disable(dir, "maintenance", 2*time.Hour, now); err != nil {
		t.Fatal(err)
	}
	if p, _ := Peek(dir, now.Add(time.Hour)); p == nil || p.Until != now.Add(2*time.Hour) {
		t.Fatalf("Peek before expiry = %+v", p)
	}
	if p, _ := Peek(dir, now.Add(2*time.Hour)); p != nil {
		t.Fatalf("Peek after expiry = %+v", p)
	}
	if _, err := os.Stat(filepath.Join(dir, File)); err != nil {
		t.Fatal("Peek removed the file")
	}
	active, lifted, err := Check(dir, now.Add(2*time.Hour))
	if err != nil || active != nil || lifted == nil || lifted.Reason != "maintenance" {
		t.Fatalf("Check at expiry = %+v, %+v, %v", active, lifted, err)
	}
	if active, lifted, err := Check(dir, now.Add(3*time.Hour)); active != nil || lifted != nil || err != nil {
		t.Fatalf("lifted twice: %+v, %+v, %v", active, lifted, err)
	}
}

func TestDisableNeedsReason(t *testing.T) {
	dir := t.TempDir()
	if _, err := Disable(dir, " ", 0, time.Now()); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Disable(dir, "x", -time.Second, time.Now()); err == nil {
		t.Fatal("negative duration accepted")
	}
	if _, err := os.Stat(filepath.Join(dir, File)); err == nil {
		t.Fatal("a refused disable wrote the state file")
	}
}

func TestCorruptStateIsAnErrorEnableClears(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, File), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Check(dir, time.Now()); err == nil || !strings.Contains(err.Error(), "tend enable") {
		t.Fatalf("Check on a corrupt file: %v", err)
	}
	if _, err := Enable(dir); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Check(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestWhoFallsBack(t *testing.T) {
	t.Setenv("SUDO_USER", "")
	t.Setenv("LOGNAME", "bob")
	if w := Who(); w != "bob" {
		t.Fatalf("Who() = %q", w)
	}
	t.Setenv("LOGNAME", "")
	t.Setenv("USER", "")
	if w := Who(); w == "" {
		t.Fatal("Who() empty without environment")
	}
}
