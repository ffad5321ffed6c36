package confdiff_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/confdiff"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from what the code renders now")

// goldenCases are the files of testdata: NAME.old and NAME.new are the
// live and the configured content of the managed file at path.
var goldenCases = []struct {
	name, path string
	sensitive  bool
	format     confdiff.Format
}{
	{"maincf", "/etc/postfix/main.cf", false, confdiff.PostfixMain},
	{"mastercf", "/etc/postfix/master.cf", false, confdiff.PostfixMaster},
	{"opendkim", "/etc/opendkim.conf", false, confdiff.KeyValue},
	{"dovecot", "/etc/dovecot/dovecot.conf", false, confdiff.Dovecot},
	{"sourceslist", "/etc/apt/sources.list", false, confdiff.SourcesList},
	{"sensitive", "/etc/dovecot/dovecot-sql.conf.ext", true, confdiff.Dovecot},
	{"unknown", "/etc/aliases", false, ""},
}

// TestGolden renders each file's content diff as a plan shows it (the
// settings, then the line diff) and as the JSON plan carries the
// settings, and compares with testdata/NAME.golden.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			old, new := readCase(t, c.name)
			d := resources.DiffText(c.path, old, new, c.sensitive)
			if d.Format != c.format {
				t.Fatalf("format %q, want %q", d.Format, c.format)
			}
			js, err := json.MarshalIndent(d.Settings, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := confdiff.Text(d.Format, d.Settings, "") + d.Unified("") + "\nJSON settings:\n" + string(js) + "\n"
			compareGolden(t, filepath.Join("testdata", c.name+".golden"), got)
			if c.sensitive {
				assertNoValue(t, old, new, got)
			}
		})
	}
}

func readCase(t testing.TB, name string) (old, new []byte) {
	old, err := os.ReadFile(filepath.Join("testdata", name+".old"))
	if err == nil {
		new, err = os.ReadFile(filepath.Join("testdata", name+".new"))
	}
	if err != nil {
		t.Fatal(err)
	}
	return old, new
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run TestGolden -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -run TestGolden -update rewrites it); got:\n%s\nwant:\n%s", path, got, want)
	}
}

// assertNoValue fails when a value of either side (what follows = on a
// line) shows in what a sensitive file's diff renders, whatever the
// golden file says.
func assertNoValue(t *testing.T, old, new []byte, got string) {
	t.Helper()
	for _, l := range strings.Split(string(old)+string(new), "\n") {
		if _, v, ok := strings.Cut(l, "="); ok && len(strings.TrimSpace(v)) >= 3 && strings.Contains(got, strings.TrimSpace(v)) {
			t.Errorf("the value of %q shows in a sensitive file's diff:\n%s", l, got)
		}
	}
}
