package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "agent.hcl")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	path := write(t, `source = "ssh://git@git.test/nodes.git"
ref = "production"
signers = "/etc/tend/signers"
node = "mx1"
state_dir = "/srv/tend"
parallel = 8
allow_rollback = true
wait_for_lock = "90s"
max_file_size = "8MiB"
preview_refs = ["preview/*", "try-*"]
preview_for = "24h"
`)
	s, _, exists, diags := Load(path)
	if diags.HasErrors() || !exists {
		t.Fatal(diags)
	}
	want := Settings{Source: "ssh://git@git.test/nodes.git", Ref: "production", Signers: "/etc/tend/signers", Node: "mx1",
		StateDir: "/srv/tend", Parallel: 8, AllowRollback: true, WaitForLock: 90 * time.Second,
		MaxFileSize: 8 << 20, PreviewRefs: []string{"preview/*", "try-*"}, PreviewFor: 24 * time.Hour}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Load = %+v, want %+v", s, want)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"colour = \"red\"\n", `:1:1: Unsupported argument`},
		{"ref = \"main\"\nparallel = \"many\"\n", `:2:13: Unsuitable value type`},
		{"wait_for_lock = \"soon\"\n", `:1:17: Invalid duration`},
		{"parallel = 0\n", `:1:12: Invalid value`},
		{"max_file_size = \"8MB\"\n", `:1:17: Invalid size`},
		{"source = \n", `:1:10: Invalid expression`},
		{"preview_for = \"3 days\"\n", `:1:15: Invalid duration`},
		{"preview_refs = [\"preview/*\", \"preview/[\"]\n", `:1:30: Invalid pattern`},
		{"preview_refs = [\"\"]\n", `:1:17: Invalid pattern`},
		{"preview_refs = \"preview/*\"\n", `:1:17: Unsuitable value type`},
	} {
		_, _, _, diags := Load(write(t, tc.text))
		if !diags.HasErrors() {
			t.Errorf("%q: no error", tc.text)
			continue
		}
		d := diags[0]
		got := fmt.Sprintf("%s:%d:%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, d.Summary)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q: %s, want %s", tc.text, got, tc.want)
		}
	}
}

func TestMissingFile(t *testing.T) {
	s, _, exists, diags := Load(filepath.Join(t.TempDir(), "agent.hcl"))
	if exists || diags.HasErrors() || !reflect.DeepEqual(s, Settings{}) {
		t.Errorf("Load of a missing file = %+v, %v, %v", s, exists, diags)
	}
}
