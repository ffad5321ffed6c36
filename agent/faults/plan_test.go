package faults

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources/plan"
)

// TestSavedPlanTampering saves a plan and tries to apply it edited, on
// another host, by another tend, and with flags that say otherwise: each
// must be refused with nothing applied; then the honest plan applies.
func TestSavedPlanTampering(t *testing.T) {
	seed(t)
	s := sz()
	dir := t.TempDir()
	root, state, repo := filepath.Join(dir, "root"), filepath.Join(dir, "state"), filepath.Join(dir, "repo")
	writeRepo(t, repo, verA, s.files)
	other := "node \"other\" {\n  resource \"file\" \"x\" {\n    path    = \"/srv/d/f0.conf\"\n    content = \"other node\\n\"\n  }\n}\n"
	os.WriteFile(filepath.Join(repo, "nodes/other.hcl"), []byte(other), 0o644)
	freshRoot(t, root)
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/machine-id"), []byte("0123456789abcdef0123456789abcdef\n"), 0o444)
	planFile := filepath.Join(dir, "web.plan")
	if r := tend(t, dir, "plan", "--repo", repo, "--node", "web", "--root", root, "--state-dir", state, "-out", planFile); r.code != 2 {
		t.Fatalf("plan -out exited %d: %s", r.code, r.stderr)
	}
	honest, _ := os.ReadFile(planFile)
	before := treeSum(t, root)
	var refused int
	for _, c := range tamperCases(t, dir, root, honest) {
		os.WriteFile(planFile, c.plan, 0o600)
		if c.setup != nil {
			c.setup()
		}
		r := tend(t, dir, append(append([]string{"apply"}, c.flags...), planFile)...)
		if c.undo != nil {
			c.undo()
		}
		ok := r.code == 1 && strings.Contains(strings.ToLower(r.stderr), "nothing was applied") && strings.Contains(r.stderr, c.says)
		if ok && treeSum(t, root) == before {
			refused++
		} else {
			t.Errorf("%s: exit %d, host changed %v: %s", c.name, r.code, treeSum(t, root) != before, r.stderr)
		}
	}
	os.WriteFile(planFile, honest, 0o600)
	r := tend(t, dir, "apply", planFile)
	c := take(t, root, s.files, verA)
	if r.code != 2 || c.byVersion["A"] != s.files {
		t.Errorf("the honest plan: exit %d, %v applied: %s", r.code, c.byVersion, r.stderr)
	}
	fmt.Printf("saved plans: %d of %d tampered or misplaced plans refused with nothing applied; the honest plan applied %d of %d files\n",
		refused, len(tamperCases(t, dir, root, honest)), c.byVersion["A"], s.files)
}

// tamperCase is one way to misuse a saved plan.
type tamperCase struct {
	name        string
	plan        []byte
	flags       []string
	setup, undo func()
	says        string
}

func tamperCases(t *testing.T, dir, root string, honest []byte) []tamperCase {
	edit := func(old, new string) []byte {
		if !strings.Contains(string(honest), old) {
			t.Fatalf("%q is not in the saved plan", old)
		}
		return []byte(strings.Replace(string(honest), old, new, 1))
	}
	mid := filepath.Join(root, "etc/machine-id")
	return []tamperCase{
		{name: "node name edited", plan: edit(`"node": "web"`, `"node": "other"`), says: "does not match its digest"},
		{name: "diff text edited", plan: edit(`"text": "# version A, file 0"`, `"text": "# version A, file 0 (reviewed)"`), says: "does not match its digest"},
		{name: "reason edited", plan: edit(`"reason": "`, `"reason": "harmless: `), says: "does not match its digest"},
		{name: "digest removed", plan: edit(`"plan_sha256": "`, `"plan_sha256": "0`), says: "does not match its digest"},
		{name: "another host", plan: honest, says: "this host's is fedcba9876543210fedcba9876543210",
			setup: func() { os.WriteFile(mid, []byte("fedcba9876543210fedcba9876543210\n"), 0o444) },
			undo:  func() { os.WriteFile(mid, []byte("0123456789abcdef0123456789abcdef\n"), 0o444) }},
		{name: "another tend", plan: resealed(t, honest, func(s *plan.Saved) { s.Tend = "0.9.0 0000000" }), says: `it was made by tend "0.9.0 0000000"`},
		{name: "another node by flag", plan: honest, flags: []string{"--node", "other"}, says: "it is a plan for node web, not other"},
		{name: "another root by flag", plan: honest, flags: []string{"--root", dir}, says: "it was made for root " + root},
		{name: "another state directory by flag", plan: honest, flags: []string{"--state-dir", filepath.Join(dir, "elsewhere")}, says: "it was made with state directory"},
	}
}

// resealed is the honest plan changed by f with a digest that matches:
// a plan another tend (or another host) really made.
func resealed(t *testing.T, honest []byte, f func(*plan.Saved)) []byte {
	path := filepath.Join(t.TempDir(), "p")
	os.WriteFile(path, honest, 0o600)
	s, err := plan.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f(s)
	if err := plan.WriteFile(path, s); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	return b
}

// treeSum digests every file's path, mode and content under root.
func treeSum(t *testing.T, root string) string {
	h := sha256.New()
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		fmt.Fprintf(h, "%s %v\n", path, fi.Mode())
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(path)
			h.Write(b)
		}
		return nil
	})
	return fmt.Sprintf("%x", h.Sum(nil))
}
