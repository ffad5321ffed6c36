package plugin

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/providers/example/motd"
	tendexec "github.com/tendhq/tend/providers/exec"
	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// pluginDir is a plugin directory holding a copy of the motd provider,
// and the path of a lock file next to it.
func pluginDir(t *testing.T) (dir, lock string) {
	t.Helper()
	base := t.TempDir()
	dir = filepath.Join(base, "plugins")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, motdBinary(t), filepath.Join(dir, ExecPrefix+"motd"))
	return dir, filepath.Join(base, LockFile)
}

func pin(t *testing.T, lock, name, path string) string {
	t.Helper()
	sum, err := FileSum(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ReadLock(lock)
	if err != nil {
		t.Fatal(err)
	}
	l[name] = hex.EncodeToString(sum)
	if err := WriteLock(lock, l); err != nil {
		t.Fatal(err)
	}
	return l[name]
}

func builtin() map[string][]resources.Kind {
	return map[string][]resources.Kind{"files": {files.Kind()}, "exec": {tendexec.Kind()}}
}

func TestOpenRunsPinnedProviders(t *testing.T) {
	marker := markRun(t)
	dir, lock := pluginDir(t)
	pin(t, lock, "motd", filepath.Join(dir, ExecPrefix+"motd"))
	s, err := Open(context.Background(), Options{Builtin: builtin(), PluginDir: dir, LockFile: lock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := strings.Join(s.Registry.Names(), " "); got != "exec file motd_line" {
		t.Errorf("kinds %q", got)
	}
	if len(s.Processes()) != 1 || len(running(t, marker)) != 1 {
		t.Errorf("%d processes, %d running; want the motd provider alone (built-ins in process)", len(s.Processes()), len(running(t, marker)))
	}
	s.Close()
	noneLeft(t, marker)
}

func TestOpenRefusesWhatTheLockDoesNotPin(t *testing.T) {
	cases := []struct {
		name string
		lock func(t *testing.T, lock, path string)
		want []string
	}{
		{"unknown", func(*testing.T, string, string) {}, []string{
			"unknown provider binary", ExecPrefix + "motd", "does not pin it", "pin it with `tend providers lock`"}},
		{"replaced", func(t *testing.T, lock, path string) {
			pin(t, lock, "motd", path)
			f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			f.Write([]byte("tampered"))
			f.Close()
		}, []string{"refusing provider binary", "its sha256 is", "pins"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			marker := markRun(t)
			dir, lock := pluginDir(t)
			path := filepath.Join(dir, ExecPrefix+"motd")
			tc.lock(t, lock, path)
			s, err := Open(context.Background(), Options{Builtin: builtin(), PluginDir: dir, LockFile: lock})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q: %v", w, err)
				}
			}
			if tc.name == "replaced" {
				l, _ := ReadLock(lock)
				now, _ := FileSum(path)
				if !strings.Contains(err.Error(), l["motd"]) || !strings.Contains(err.Error(), hex.EncodeToString(now)) {
					t.Errorf("the error does not name both sums: %v", err)
				}
			}
			noneLeft(t, marker)
		})
	}
}

func TestPinnedButMissingProviderIsNoError(t *testing.T) {
	lock := filepath.Join(t.TempDir(), LockFile)
	if err := WriteLock(lock, Lock{"gone": strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), Options{Builtin: builtin(), PluginDir: t.TempDir(), LockFile: lock})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestTwoProvidersOfOneKindIsAnError(t *testing.T) {
	marker := markRun(t)
	dir, lock := pluginDir(t)
	pin(t, lock, "motd", filepath.Join(dir, ExecPrefix+"motd"))
	kinds := builtin()
	kinds["example"] = []resources.Kind{motd.Kind()}
	_, err := Open(context.Background(), Options{Builtin: kinds, PluginDir: dir, LockFile: lock})
	if err == nil || !strings.Contains(err.Error(), `resource kind "motd_line" is offered by both provider example (built-in) and provider motd`) {
		t.Fatalf("Open: %v", err)
	}
	noneLeft(t, marker)
}

// TestBuiltinsAsSubprocesses serves the built-in kinds from child
// processes of this test binary, standing in for tend (see TestMain), and
// gets the same plan as in process.
func TestBuiltinsAsSubprocesses(t *testing.T) {
	marker := markRun(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	plans := map[bool]resources.Change{}
	for _, sub := range []bool{false, true} {
		s, err := Open(context.Background(), Options{Builtin: builtin(), Subprocess: sub, Self: self})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 0, true: 2}[sub]; len(s.Processes()) != want {
			t.Errorf("subprocess %v: %d processes, want %d", sub, len(s.Processes()), want)
		}
		k, _ := s.Registry.Kind("file")
		req := request(t, "file", "f", attrs{"path": cty.StringVal("/f"), "content": cty.StringVal("a\nb\n")}, resources.Env{Root: t.TempDir()})
		r, err := k.New(req.Config)
		if err != nil {
			t.Fatal(err)
		}
		st, err := r.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if plans[sub], err = r.Plan(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	if a, b := plans[false], plans[true]; a.Action != resources.Create || a.Reason != b.Reason || a.Content.Unified("") != b.Content.Unified("") {
		t.Errorf("in process: %+v\nsubprocess: %+v", a, b)
	}
	noneLeft(t, marker)
}
