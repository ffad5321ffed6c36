package managedfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/resources"
)

func writeFile(t *testing.T, env resources.Env, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(env.Path(p)), 0755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(env.Path(p), []byte(content), 0644); err != nil {
		t.Fatal(err)
	}
}

func TestAccountsReloadWhenChanged(t *testing.T) {
	env := resources.Env{Root: t.TempDir()}
	writeFile(t, env, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
	a := accountsFor(env)
	if _, err := a.users.id("late"); err == nil {
		t.Fatal("late user known before it exists")
	}
	// A user resource adds an account during the run.
	writeFile(t, env, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nlate:x:5000:5000::/:/bin/false\n")
	if id, err := a.users.id("late"); err != nil || id != 5000 {
		t.Fatalf("late user: %d, %v", id, err)
	}
	if n := a.users.name(5000); n != "late" {
		t.Fatalf("name %q", n)
	}
	if accountsFor(env) != a {
		t.Fatal("accounts are not shared per root")
	}
}

func TestParseIDFile(t *testing.T) {
	tab := parseIDFile([]byte("\n#c:x:1:1\n+nis:x:2:2\nbad\nneg:x:-1:0\nnum:x:abc:0\nok:x:7:7:::\n"))
	if len(tab.ids) != 1 || tab.ids["ok"] != 7 || tab.names[7] != "ok" {
		t.Fatalf("table %+v", tab)
	}
}
