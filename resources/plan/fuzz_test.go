package plan_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzSavedPlan reads fuzzed bytes as a saved plan (what `tend apply
// FILE` reads) and, when they are one, renders it, compares it with
// itself and writes it back: errors are expected, panics are not.
func FuzzSavedPlan(f *testing.F) {
	for _, b := range hostile.JSON("node", "format_version", "resources", "computed", "summary") {
		f.Add(b)
	}
	f.Add([]byte(`{"format_version":1,"resources":[{"address":"file.a","action":"bogus"}]}`))
	f.Add([]byte(`{"format_version":1,"resources":[{"address":"file.a","content":{"hunks":[{"lines":[null]}]}}]}`))
	f.Add(savedPlan(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := plan.ReadFile(path)
		if err != nil {
			return
		}
		plan.Render(io.Discard, &s.Plan)
		_ = s.Stale(&s.Plan)
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("a plan read back does not marshal: %v", err)
		}
	})
}

// savedPlan is a saved plan with every kind of change, as tend writes it.
func savedPlan(f *testing.F) []byte {
	p := plan.Plan{FormatVersion: plan.FormatVersion, Node: "web", Digest: "d",
		Computed: map[string]string{"dkim_key.k.published": "true"}, Resources: []plan.Resource{
			{Address: "file.new", Change: resources.Change{Action: resources.Create, Reason: "file does not exist",
				Attrs:   []resources.AttrChange{resources.NewAttrChange("mode", "", "0644", false)},
				Content: resources.DiffText("/etc/new", nil, []byte("a\n"), false)}, Notifies: []string{"exec.reload"}},
			{Address: "file.key", Change: resources.Change{Action: resources.Update, Reason: "content differs",
				Content: resources.DiffText("/etc/key", []byte("k1\nsecret-a\n"), []byte("k1\nsecret-b\n"), true)}},
			{Address: "file.old", Change: resources.Change{Action: resources.Delete}, Observed: "o"},
			{Address: "exec.reload", Change: resources.Change{Action: resources.Refresh}, RefreshFrom: []string{"file.new"}},
			{Address: "file.broken", Error: "read: permission denied", SkippedBy: "file.x"},
		}}
	p.Summarize()
	path := filepath.Join(f.TempDir(), "plan.json")
	if err := plan.WriteFile(path, &plan.Saved{Plan: p, Repo: "/srv/repo", Made: plan.Made{Root: "/", StateDir: "/var/lib/tend", Tend: "test"}}); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
