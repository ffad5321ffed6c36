package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBlocksLiftWithConfiguration(t *testing.T) {
	dir := t.TempDir()
	b, warn, err := OpenBlocks(dir, true)
	if err != nil || warn != "" {
		t.Fatal(err, warn)
	}
	digests := map[string]string{"file.a": "1", "file.b": "2"}
	of := func(a string) string { return digests[a] }
	members := []string{"file.b", "file.a"}
	if err := b.Add(Block{Target: "service.x", Members: members, Digest: MembersDigest(members, of), At: time.Unix(0, 0), Check: "smtp"}); err != nil {
		t.Fatal(err)
	}
	again, _, err := OpenBlocks(dir, true)
	if err != nil || len(again.current(of)) != 1 {
		t.Fatalf("the block did not survive reopening: %v %v", again.List(), err)
	}
	digests["file.a"] = "changed"
	if err := again.Lift(of); err != nil || len(again.List()) != 0 {
		t.Fatalf("a changed member did not lift the block: %v %v", again.List(), err)
	}
	third, _, _ := OpenBlocks(dir, true)
	if len(third.List()) != 0 {
		t.Fatal("the lift was not recorded")
	}
}

func TestBlocksClear(t *testing.T) {
	b, _, _ := OpenBlocks(t.TempDir(), true)
	_ = b.Add(Block{Target: "service.x", Members: []string{"file.a"}})
	_ = b.Add(Block{Target: "service.y", Members: []string{"file.b"}})
	if got, err := b.Clear("file.a"); err != nil || len(got) != 1 || got[0].Target != "service.x" {
		t.Fatalf("clear by member: %v %v", got, err)
	}
	if got, _ := b.Clear("service.y"); len(got) != 1 || len(b.List()) != 0 {
		t.Fatalf("clear by target: %v, left %v", got, b.List())
	}
}

// A damaged record never stops a run: a plan ignores it, an apply moves
// it aside, both say so.
func TestBlocksDamaged(t *testing.T) {
	for _, damage := range []string{"", "{", "\x00\x00", "[{\"members\": 3}]"} {
		dir := t.TempDir()
		path := filepath.Join(dir, BlocksFile)
		if err := os.WriteFile(path, []byte(damage), 0o600); err != nil {
			t.Fatal(err)
		}
		b, warn, err := OpenBlocks(dir, false)
		if err != nil || !strings.Contains(warn, path) || len(b.List()) != 0 {
			t.Fatalf("%q read-only: %v %q", damage, err, warn)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%q: a plan moved the file: %v", damage, err)
		}
		b, warn, err = OpenBlocks(dir, true)
		if err != nil || !strings.Contains(warn, "moved aside") || len(b.List()) != 0 {
			t.Fatalf("%q healing: %v %q", damage, err, warn)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("%q: not moved aside: %v", damage, err)
		}
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, BlocksFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, warn, err := OpenBlocks(dir, true); err != nil || warn == "" {
		t.Fatalf("a directory in its place: %v %q", err, warn)
	}
}
