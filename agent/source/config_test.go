package source

import (
	"path/filepath"
	"testing"
)

func TestCheckRef(t *testing.T) {
	for _, ok := range []string{"main", "feature/tls", "v1.2", "refs/heads/x", "a_b-c"} {
		if err := CheckRef(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", ".hidden", "/abs", "a..b", "a//b", "a b", "a:b", "a*", "a?", "a[", `a\b`, "a^", "a~1", "a\x00b", "a\nb", "a\x7f"} {
		if err := CheckRef(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestForPreview(t *testing.T) {
	main := Config{URL: "/srv/nodes.git", Ref: "main", Dir: "/var/lib/tend/source", AllowRollback: true}
	p := main.ForPreview("feature/x")
	if p.Ref != "feature/x" || p.Dir != filepath.Join(main.Dir, "preview") || p.AllowRollback || p.URL != main.URL {
		t.Fatalf("%+v", p)
	}
	if (Config{}).ForPreview("x").Dir != filepath.Join(DefaultDir, "preview") {
		t.Fatal("the default cache's preview directory")
	}
}
