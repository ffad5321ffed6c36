package preview

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/source"
)

func names(bs []source.Branch) []string {
	var ns []string
	for _, b := range bs {
		ns = append(ns, b.Name)
	}
	return ns
}

func TestSelect(t *testing.T) {
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	at := func(name, commit string, age time.Duration) source.Branch {
		return source.Branch{Name: name, Commit: commit, Committed: now.Add(-age)}
	}
	s := Schedule{Patterns: []string{"preview/*", "try-*"}, For: 72 * time.Hour}
	d := s.Select([]source.Branch{
		at("main", "m", time.Hour),
		at("preview/old", "o", 73*time.Hour),
		at("preview/a", "a2", 2*time.Hour),
		at("preview/same", "s", time.Hour),
		at("try-b", "b", time.Minute),
		at("preview/deep/x", "x", time.Minute), // * does not cross a /
	}, map[string]string{
		"preview/a":    "a1",
		"preview/same": "s",
		"preview/old":  "o",
		"preview/gone": "g",
		"by-hand":      "h",
	}, now)
	if got, want := names(d.Preview), []string{"try-b", "preview/a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Preview = %v, want %v", got, want)
	}
	if want := []string{"preview/gone", "preview/old"}; !reflect.DeepEqual(d.Stale, want) {
		t.Errorf("Stale = %v, want %v", d.Stale, want)
	}
}

func TestSelectBoundsThePreviews(t *testing.T) {
	now := time.Now()
	var bs []source.Branch
	for i := range MaxPerRun + 3 {
		bs = append(bs, source.Branch{Name: fmt.Sprintf("preview/%02d", i), Commit: "c", Committed: now.Add(-time.Duration(i) * time.Minute)})
	}
	d := Schedule{Patterns: []string{"preview/*"}, For: time.Hour}.Select(bs, nil, now)
	if len(d.Preview) != MaxPerRun || d.Preview[0].Name != "preview/00" || len(d.Deferred) != 3 || d.Deferred[0].Name != fmt.Sprintf("preview/%02d", MaxPerRun) {
		t.Errorf("Preview %v, Deferred %v: want the %d newest, then the rest", names(d.Preview), names(d.Deferred), MaxPerRun)
	}
}

func TestNoPatternsPreviewNothing(t *testing.T) {
	d := Schedule{For: time.Hour}.Select([]source.Branch{{Name: "preview/a", Commit: "a", Committed: time.Now()}}, map[string]string{"preview/a": "z"}, time.Now())
	if len(d.Preview)+len(d.Stale) != 0 {
		t.Errorf("Select without patterns = %+v, want nothing", d)
	}
}
