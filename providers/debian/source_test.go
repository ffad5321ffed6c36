package debian_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/providers/debian"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func strs(v ...string) cty.Value {
	if len(v) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	out := make([]cty.Value, len(v))
	for i, s := range v {
		out[i] = cty.StringVal(s)
	}
	return cty.ListVal(out)
}

// sourceAttrs is a valid source, with over's attributes replacing its
// own (a null value unsets one).
func sourceAttrs(t testing.TB, over map[string]cty.Value) map[string]cty.Value {
	a := map[string]cty.Value{
		"name":       cty.StringVal("example"),
		"uris":       strs("https://apt.example.com/debian"),
		"suites":     strs("bookworm"),
		"components": strs("main"),
		"key":        cty.StringVal(readTestdata(t, "repo-key.asc")),
	}
	for k, v := range over {
		a[k] = v
	}
	return a
}

func newSource(t testing.TB, env resources.Env, over map[string]cty.Value) (resources.Resource, error) {
	t.Helper()
	return debian.SourceKind().New(kindtest.Config(t, debian.SourceSchema, env, sourceAttrs(t, over)))
}

func TestSourceConfigErrors(t *testing.T) {
	private := "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQdGBGSecretStuff\n-----END PGP PRIVATE KEY BLOCK-----\n"
	armor := readTestdata(t, "repo-key.asc")
	for _, c := range []struct {
		over map[string]cty.Value
		attr string
		want string
	}{
		{map[string]cty.Value{"name": cty.StringVal("../etc")}, "name", "must be 1 to 64 letters"},
		{map[string]cty.Value{"name": cty.StringVal(".hidden")}, "name", "not first"},
		{map[string]cty.Value{"ensure": cty.StringVal("latest")}, "ensure", `"present" or "absent"`},
		{map[string]cty.Value{"format": cty.StringVal("yaml")}, "format", `"deb822" or "list"`},
		{map[string]cty.Value{"uris": strs()}, "uris", "at least one"},
		{map[string]cty.Value{"uris": cty.NullVal(cty.List(cty.String))}, "uris", "at least one"},
		{map[string]cty.Value{"uris": strs("gopher://apt.example.com/")}, "uris", `scheme "gopher"`},
		{map[string]cty.Value{"uris": strs("https:///debian")}, "uris", "has no host"},
		{map[string]cty.Value{"uris": strs("https://apt.example.com/a b")}, "uris", "white space"},
		{map[string]cty.Value{"uris": strs("https://deploy:hunter2@apt.example.com/debian")}, "uris", "auth.conf.d"},
		{map[string]cty.Value{"suites": strs()}, "suites", "at least one"},
		{map[string]cty.Value{"suites": strs("book worm")}, "suites", "one word"},
		{map[string]cty.Value{"suites": strs("./")}, "components", "must be empty"},
		{map[string]cty.Value{"suites": strs("./", "stable")}, "suites", "exact paths"},
		{map[string]cty.Value{"components": strs()}, "components", "at least one"},
		{map[string]cty.Value{"types": strs("rpm")}, "types", `"deb" or "deb-src"`},
		{map[string]cty.Value{"types": strs()}, "types", "at least one"},
		{map[string]cty.Value{"architectures": strs("AMD64")}, "architectures", "not a Debian architecture"},
		{map[string]cty.Value{"architectures": strs()}, "architectures", "left unset"},
		{map[string]cty.Value{"key": cty.StringVal("")}, "key", "is empty"},
		{map[string]cty.Value{"key": cty.StringVal("ssh-ed25519 AAAA")}, "key", "neither an ASCII-armored"},
		{map[string]cty.Value{"key": cty.StringVal(private)}, "key", "is a private key"},
		{map[string]cty.Value{"key": cty.StringVal(string([]byte{0x94, 0x01, 0x04}))}, "key", "holds a private key"},
		{map[string]cty.Value{"key": cty.StringVal(string([]byte{0x88, 0x01, 0x04}))}, "key", "not a public key"},
		{map[string]cty.Value{"key": cty.StringVal(string([]byte{0x99, 0x10, 0x04}))}, "key", "not a well-formed"},
		{map[string]cty.Value{"key": cty.StringVal(strings.Replace(armor, "PUBLIC KEY BLOCK", "SIGNATURE", 1))}, "key", "armored signature"},
		{map[string]cty.Value{"key": cty.StringVal(corruptArmor(armor))}, "key", "checksum does not match"},
		{map[string]cty.Value{"key": cty.StringVal(strings.TrimSuffix(strings.TrimSpace(armor), "-----END PGP PUBLIC KEY BLOCK-----"))}, "key", "has no -----END"},
		{map[string]cty.Value{"pin_priority": cty.NumberIntVal(990)}, "pin_priority", "needs pin_origin or pin_release"},
		{map[string]cty.Value{"pin_origin": cty.StringVal("apt.example.com")}, "pin_priority", "must be set"},
		{map[string]cty.Value{"pin_origin": cty.StringVal("a"), "pin_release": cty.StringVal("o=b"), "pin_priority": cty.NumberIntVal(1)}, "pin_release", "at most one"},
		{map[string]cty.Value{"pin_origin": cty.StringVal("a"), "pin_priority": cty.NumberIntVal(0)}, "pin_priority", "must not be 0"},
		{map[string]cty.Value{"pin_origin": cty.StringVal("a"), "pin_priority": cty.NumberFloatVal(1.5)}, "pin_priority", "whole number"},
		{map[string]cty.Value{"pin_origin": cty.StringVal("a b"), "pin_priority": cty.NumberIntVal(1)}, "pin_origin", "host name"},
		{map[string]cty.Value{"pin_release": cty.StringVal("o=a\nPin: x"), "pin_priority": cty.NumberIntVal(1)}, "pin_release", "one non-empty line"},
		{map[string]cty.Value{"pin_release": cty.StringVal("o=a"), "pin_priority": cty.NumberIntVal(1), "pin_packages": strs()}, "pin_packages", "at least one"},
	} {
		_, err := newSource(t, resources.Env{}, c.over)
		var ae *resources.AttrError
		if !errors.As(err, &ae) || ae.Attr != c.attr || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v (%T), want an error on %s containing %q", c.over, err, err, c.attr, c.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "deploy") || strings.Contains(err.Error(), "SecretStuff") {
			t.Errorf("%v: the error shows a secret: %v", c.over, err)
		}
	}
}

// corruptArmor flips one base64 character of the armored body.
func corruptArmor(armor string) string {
	lines := strings.Split(armor, "\n")
	for i, l := range lines {
		if len(l) > 40 && !strings.Contains(l, ":") {
			b := []byte(l)
			if b[10] == 'A' {
				b[10] = 'B'
			} else {
				b[10] = 'A'
			}
			lines[i] = string(b)
			break
		}
	}
	return strings.Join(lines, "\n")
}

func TestSourceAbsentNeedsOnlyName(t *testing.T) {
	cfg := kindtest.Config(t, debian.SourceSchema, resources.Env{}, map[string]cty.Value{
		"name": cty.StringVal("old"), "ensure": cty.StringVal("absent")})
	if _, err := debian.SourceKind().New(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestSourceIdentitiesAndOrder(t *testing.T) {
	k := debian.SourceKind()
	cfg := kindtest.Config(t, debian.SourceSchema, resources.Env{}, sourceAttrs(t, nil))
	var ids []string
	for _, id := range k.Identities(cfg) {
		ids = append(ids, id.String())
	}
	want := []string{"apt_source:example", "file:/etc/apt/keyrings/example.asc", "file:/etc/apt/keyrings/example.gpg",
		"file:/etc/apt/preferences.d/example.pref", "file:/etc/apt/sources.list.d/example.sources", "file:/etc/apt/sources.list.d/example.list"}
	if !slices.Equal(ids, want) {
		t.Errorf("identities %q, want %q", ids, want)
	}
	var orders []string
	for _, o := range k.Order(cfg) {
		orders = append(orders, o.String())
	}
	wantOrder := []string{"before every package", "after file:/etc", "after file:/etc/apt", "after file:/etc/apt/sources.list.d",
		"after file:/etc/apt/keyrings", "after file:/etc/apt/preferences.d"}
	if !slices.Equal(orders, wantOrder) {
		t.Errorf("order %q, want %q", orders, wantOrder)
	}
}

// aptRoot is a scratch root with apt's configuration directories, but
// not /etc/apt/keyrings (as on Debian 11).
func aptRoot(t *testing.T) resources.Env {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"etc/apt/sources.list.d", "etc/apt/preferences.d"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return resources.Env{Root: root, StateDir: filepath.Join(t.TempDir(), "state")}
}

// converge plans and applies r, wanting action, and checks a second plan
// is a no-op.
func converge(t *testing.T, r resources.Resource, want resources.Action) resources.Change {
	t.Helper()
	c := plan(t, r)
	if c.Action != want {
		t.Fatalf("plan %+v, want %s", c, want)
	}
	if err := r.Apply(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if again := plan(t, r); again.Action != resources.NoOp {
		t.Fatalf("second plan %+v", again)
	}
	return c
}

func readRoot(t *testing.T, env resources.Env, p string) string {
	t.Helper()
	b, err := os.ReadFile(env.Path(p))
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(env.Path(p))
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("%s has mode %v, want 0644", p, fi.Mode())
	}
	return string(b)
}

func TestSourceFiles(t *testing.T) {
	env := aptRoot(t)
	key := readTestdata(t, "repo-key.asc")
	r, err := newSource(t, env, map[string]cty.Value{
		"architectures": strs("amd64", "arm64"), "components": strs("main", "contrib"),
		"pin_origin": cty.StringVal("apt.example.com"), "pin_priority": cty.NumberIntVal(990)})
	if err != nil {
		t.Fatal(err)
	}
	c := converge(t, r, resources.Create)
	if !strings.Contains(c.Reason, "/etc/apt/sources.list.d/example.sources does not exist") ||
		!strings.Contains(c.Reason, "package lists are refreshed before the next package transaction") {
		t.Errorf("reason %q", c.Reason)
	}
	if c.Content == nil || len(c.Content.Hunks) != 1 || !slices.ContainsFunc(c.Content.Hunks[0].Lines, func(l resources.DiffLine) bool {
		return l.Text == "URIs: https://apt.example.com/debian"
	}) {
		t.Errorf("the plan does not show the sources file's lines: %+v", c.Content)
	}
	wantSources := "# Written by tend for apt_source.example; local changes are overwritten.\n" +
		"Types: deb\nURIs: https://apt.example.com/debian\nSuites: bookworm\nComponents: main contrib\n" +
		"Architectures: amd64 arm64\nSigned-By: /etc/apt/keyrings/example.asc\n"
	if got := readRoot(t, env, "/etc/apt/sources.list.d/example.sources"); got != wantSources {
		t.Errorf("sources file:\n%s\nwant:\n%s", got, wantSources)
	}
	if got := readRoot(t, env, "/etc/apt/keyrings/example.asc"); got != key {
		t.Error("the keyring is not the key as given")
	}
	wantPref := "Explanation: Written by tend for apt_source.example; local changes are overwritten.\n" +
		"Package: *\nPin: origin \"apt.example.com\"\nPin-Priority: 990\n"
	if got := readRoot(t, env, "/etc/apt/preferences.d/example.pref"); got != wantPref {
		t.Errorf("preferences:\n%s\nwant:\n%s", got, wantPref)
	}
	checkStaleRecord(t, env, "example")
	switchFormat(t, env)
}

// switchFormat moves the source to the one-line format with a binary key
// and no pin: the files of the old configuration go.
func switchFormat(t *testing.T, env resources.Env) {
	t.Helper()
	r, err := newSource(t, env, map[string]cty.Value{
		"format": cty.StringVal("list"), "types": strs("deb", "deb-src"), "suites": strs("bookworm", "bookworm-backports"),
		"key": cty.StringVal(readTestdata(t, "repo-key.gpg"))})
	if err != nil {
		t.Fatal(err)
	}
	converge(t, r, resources.Update)
	want := "# Written by tend for apt_source.example; local changes are overwritten.\n" +
		"deb [signed-by=/etc/apt/keyrings/example.gpg] https://apt.example.com/debian bookworm main\n" +
		"deb [signed-by=/etc/apt/keyrings/example.gpg] https://apt.example.com/debian bookworm-backports main\n" +
		"deb-src [signed-by=/etc/apt/keyrings/example.gpg] https://apt.example.com/debian bookworm main\n" +
		"deb-src [signed-by=/etc/apt/keyrings/example.gpg] https://apt.example.com/debian bookworm-backports main\n"
	if got := readRoot(t, env, "/etc/apt/sources.list.d/example.list"); got != want {
		t.Errorf("list file:\n%s\nwant:\n%s", got, want)
	}
	for _, gone := range []string{"sources.list.d/example.sources", "keyrings/example.asc", "preferences.d/example.pref"} {
		if _, err := os.Stat(env.Path("/etc/apt/" + gone)); !os.IsNotExist(err) {
			t.Errorf("/etc/apt/%s is still there: %v", gone, err)
		}
	}
	absent, err := debian.SourceKind().New(kindtest.Config(t, debian.SourceSchema, env, map[string]cty.Value{
		"name": cty.StringVal("example"), "ensure": cty.StringVal("absent")}))
	if err != nil {
		t.Fatal(err)
	}
	converge(t, absent, resources.Delete)
	left, _ := filepath.Glob(env.Path("/etc/apt/*/example.*"))
	if len(left) > 0 {
		t.Errorf("left after ensure = absent: %q", left)
	}
}

// TestSourceNeedsStateDir: without a state directory the source could not
// make the next transaction refresh the lists, so it changes nothing.
func TestSourceNeedsStateDir(t *testing.T) {
	env := aptRoot(t)
	env.StateDir = ""
	r, err := newSource(t, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Apply(context.Background(), plan(t, r)); err == nil || !strings.Contains(err.Error(), "no state directory") {
		t.Fatalf("apply without a state directory: %v", err)
	}
	if _, err := os.Stat(env.Path("/etc/apt/sources.list.d/example.sources")); !os.IsNotExist(err) {
		t.Errorf("the sources file was written: %v", err)
	}
}

// TestApplyNeedsItsPlan: Apply takes what to do from the plan's intent,
// never from the change's text.
func TestApplyNeedsItsPlan(t *testing.T) {
	r, err := newSource(t, aptRoot(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	bare := resources.Change{Action: resources.Create, Reason: "made up"}
	if err := r.Apply(context.Background(), bare); err == nil || !strings.Contains(err.Error(), "carries no") {
		t.Errorf("apt_source applied a change its plan did not make: %v", err)
	}
	p := bind(t, debian.Kind(), "x", attrs{"name": "tend-no-such-package"}, resources.Env{Root: t.TempDir()})
	if err := p.Apply(context.Background(), bare); err == nil || !strings.Contains(err.Error(), "carries no") {
		t.Errorf("package applied a change its plan did not make: %v", err)
	}
}

// TestSourceBeforePackages loads a node whose package is declared before
// its source: the catalog orders the source first, and a source that
// fails (here its directory is missing) keeps the package from being
// tried against package lists that lack it.
func TestSourceBeforePackages(t *testing.T) {
	repo := nodeRepo(t, map[string]string{
		"keys/local.asc": readTestdata(t, "repo-key.asc"),
		"nodes/box.hcl": `node "box" {
  resource "package" "hello" {
    name = "tend-hello"
  }
  resource "apt_source" "local" {
    name   = "local"
    uris   = ["file:///srv/repo"]
    suites = ["./"]
    key    = file("keys/local.asc")
  }
}
`})
	env := resources.Env{Root: t.TempDir(), StateDir: t.TempDir()}
	res, cat := loadAndApply(t, repo, env)
	if why := cat.Graph.Why(1, 0); why != "before every package" {
		t.Errorf("the edge from apt_source.local to package.hello: %q, want %q", why, "before every package")
	}
	src, pkg := res.Outcomes[1], res.Outcomes[0]
	if src.Status != engine.Failed || !strings.Contains(src.Err, "/etc/apt/sources.list.d") {
		t.Errorf("apt_source.local: %s %s", src.Status, src.Err)
	}
	if pkg.Status != engine.Skipped || !strings.Contains(pkg.SkippedBy, "apt_source.local") {
		t.Errorf("package.hello: %s (skipped by %q) %s", pkg.Status, pkg.SkippedBy, pkg.Err)
	}
}

// FuzzSourceKey feeds anything as a key: the check never panics, and a
// refusal never quotes what it was given (a private key pasted by
// mistake).
func FuzzSourceKey(f *testing.F) {
	f.Add(readTestdata(f, "repo-key.asc"))
	f.Add(readTestdata(f, "repo-key.gpg"))
	f.Add("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n")
	f.Add("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgEZsecret\n-----END PGP PRIVATE KEY BLOCK-----\n")
	f.Fuzz(func(t *testing.T, key string) {
		_, err := newSource(t, resources.Env{}, map[string]cty.Value{"key": cty.StringVal(key)})
		// A key pasted is lines; no message has two.
		k := strings.TrimSpace(key)
		if err != nil && strings.Contains(k, "\n") && strings.Contains(err.Error(), k) {
			t.Errorf("the refusal quotes the key: %v", err)
		}
	})
}

// TestSensitiveSourceStaysMasked: a source whose URI is sensitive (a
// token in its path) shows no line of its files in a plan, only which
// lines changed.
func TestSensitiveSourceStaysMasked(t *testing.T) {
	env := aptRoot(t)
	const secret = "https://apt.example.com/t0ps3cr3t/debian"
	cfg := kindtest.Config(t, debian.SourceSchema, env, sourceAttrs(t, map[string]cty.Value{"uris": strs(secret)}))
	cfg.Sensitive["uris"] = true
	r, err := debian.SourceKind().New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := plan(t, r)
	b, _ := json.Marshal(c)
	if c.Content == nil || strings.Contains(string(b), "t0ps3cr3t") {
		t.Fatalf("the plan shows the sensitive URI: %s", b)
	}
}
