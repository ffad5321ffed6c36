package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
)

func savedPlan() *Saved {
	return &Saved{
		Plan: Plan{FormatVersion: FormatVersion, Node: "mx1", Digest: "cfg", Resources: []Resource{{
			Address: `file.main_cf`, Observed: "o1",
			Change: resources.Change{Action: resources.Update, Reason: "content differs",
				Content: resources.DiffText("/etc/postfix/main.cf", []byte("relayhost = a\n"), []byte("relayhost = b\n"), false)},
		}}},
		Repo: "/srv/nodes",
		Made: Made{Host: "0123", Root: "/", StateDir: "/var/lib/tend", Tend: "1.0 abc"},
	}
}

// Every field a saved plan shows or acts on is under the digest: a
// changed byte anywhere is refused; the honest file is read back whole.
func TestSavedPlanDigest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.plan")
	if err := WriteFile(path, savedPlan()); err != nil {
		t.Fatal(err)
	}
	s, err := ReadFile(path)
	if err != nil {
		t.Fatalf("the honest plan: %v", err)
	}
	if s.Made != savedPlan().Made || len(s.Resources[0].Content.Hunks) != 1 || len(s.Resources[0].Content.Settings) != 1 {
		t.Fatalf("read back %+v", s)
	}
	orig, _ := os.ReadFile(path)
	for _, edit := range [][2]string{
		{`"node": "mx1"`, `"node": "mx2"`}, {`"text": "relayhost = b"`, `"text": "relayhost = c"`}, {`"new": "b"`, `"new": "c"`}, {"content differs", "nothing much"},
		{`"root": "/"`, `"root": "/x"`}, {`"state_dir": "/var/lib/tend"`, `"state_dir": "/tmp"`},
		{`"tend_version": "1.0 abc"`, `"tend_version": "1.1"`}, {`"host_machine_id": "0123"`, `"host_machine_id": "4567"`},
		{`"observed": "o1"`, `"observed": "o2"`}, {`"action": "update"`, `"action": "no-op"`},
	} {
		if !strings.Contains(string(orig), edit[0]) {
			t.Fatalf("%q not in the saved plan:\n%s", edit[0], orig)
		}
		os.WriteFile(path, []byte(strings.Replace(string(orig), edit[0], edit[1], 1)), 0o600)
		if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "does not match its digest") {
			t.Errorf("edit %q -> %q: %v", edit[0], edit[1], err)
		}
	}
}

// A plan saved before plans compared settings has none: it still reads
// back whole and is not stale against a fresh plan of the same content,
// which has them; a plan saved with settings must show the fresh ones.
func TestSavedPlanWithoutSettings(t *testing.T) {
	old := savedPlan()
	old.Resources[0].Content.Format, old.Resources[0].Content.Settings = "", nil
	path := filepath.Join(t.TempDir(), "p.plan")
	if err := WriteFile(path, old); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), `"settings"`) {
		t.Fatalf("a plan without settings saved them:\n%s", b)
	}
	s, err := ReadFile(path)
	if err != nil {
		t.Fatalf("a plan saved without settings: %v", err)
	}
	fresh := savedPlan().Plan
	if why := s.Stale(&fresh); why != "" {
		t.Fatalf("stale against the same content with settings: %s", why)
	}
	withSettings := savedPlan()
	withSettings.Resources[0].Content.Settings[0].New = "c"
	if why := withSettings.Stale(&fresh); !strings.Contains(why, "the change now differs") {
		t.Fatalf("a saved plan showing other settings: Stale = %q", why)
	}
}

func TestMadeMismatch(t *testing.T) {
	m := savedPlan().Made
	for _, c := range []struct {
		here Made
		says string
	}{
		{m, ""},
		{Made{Host: "0123", Root: "/", StateDir: "/var/lib/tend", Tend: "1.1 def"}, `made by tend "1.0 abc", this is tend "1.1 def"`},
		{Made{Host: "4567", Root: "/", StateDir: "/var/lib/tend", Tend: "1.0 abc"}, "machine-id 0123, this host's is 4567"},
		{Made{Host: "", Root: "/", StateDir: "/var/lib/tend", Tend: "1.0 abc"}, "machine-id 0123; / has none"},
		{Made{Host: "0123", Root: "/r", StateDir: "/var/lib/tend", Tend: "1.0 abc"}, "made for root /, not /r"},
		{Made{Host: "0123", Root: "/", StateDir: "/s", Tend: "1.0 abc"}, "state directory /var/lib/tend, not /s"},
	} {
		if got := m.Mismatch(c.here); (c.says == "") != (got == "") || !strings.Contains(got, c.says) {
			t.Errorf("Mismatch(%+v) = %q, want %q", c.here, got, c.says)
		}
	}
}

func TestMachineID(t *testing.T) {
	root := t.TempDir()
	if id, err := MachineID(root); id != "" || err != nil {
		t.Fatalf("no machine-id: %q, %v", id, err)
	}
	os.MkdirAll(filepath.Join(root, "var/lib/dbus"), 0o755)
	os.WriteFile(filepath.Join(root, "var/lib/dbus/machine-id"), []byte("bbbb\n"), 0o644)
	if id, _ := MachineID(root); id != "bbbb" {
		t.Fatalf("dbus fallback: %q", id)
	}
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/machine-id"), []byte("aaaa\n"), 0o644)
	if id, _ := MachineID(root); id != "aaaa" {
		t.Fatalf("etc/machine-id first: %q", id)
	}
}
