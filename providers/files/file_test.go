package files

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

func TestCreateUpdateNoOp(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/motd"), "content": str("hello\n"), "mode": str("0640")})
	c := f.converge(r)
	wantAction(t, c, resources.Create, "file does not exist")
	if c.Content == nil || !strings.Contains(c.Content.Unified(""), "+hello") {
		t.Fatalf("create shows no content: %+v", c.Content)
	}
	if got := f.read("/etc/motd"); got != "hello\n" {
		t.Fatalf("content %q", got)
	}
	if m := f.lstat("/etc/motd").Mode(); m != 0640 {
		t.Fatalf("mode %v", m)
	}
	wantAction(t, f.plan(r), resources.NoOp, "")

	r = f.resource(attrs{"path": str("/etc/motd"), "content": str("bye\n"), "mode": str("0640")})
	wantAction(t, f.converge(r), resources.Update, "content differs")
	if got := f.read("/etc/motd"); got != "bye\n" {
		t.Fatalf("content %q", got)
	}
	wantAction(t, f.plan(r), resources.NoOp, "")
}

func TestUnmanagedModeAndOwner(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/new"), "content": str("x")})
	f.converge(r)
	if m := f.lstat("/etc/new").Mode(); m != defaultFileMode {
		t.Fatalf("new file mode %v, want %v", m, defaultFileMode)
	}
	// An existing file keeps its mode when content alone is managed.
	f.write("/etc/kept", "old", 0600)
	f.converge(f.resource(attrs{"path": str("/etc/kept"), "content": str("new")}))
	if m := f.lstat("/etc/kept").Mode(); m != 0600 {
		t.Fatalf("rewritten file mode %v, want 0600 kept", m)
	}
	// With no content at all, only existence is managed.
	f.write("/etc/any", "whatever", 0644)
	wantAction(t, f.plan(f.resource(attrs{"path": str("/etc/any")})), resources.NoOp, "")
	c := f.converge(f.resource(attrs{"path": str("/etc/empty")}))
	wantAction(t, c, resources.Create, "file does not exist")
	if f.read("/etc/empty") != "" {
		t.Fatal("unmanaged new file is not empty")
	}
}

func TestContentDiff(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/app.conf", "a\nb\nc\n", 0644)
	c := f.plan(f.resource(attrs{"path": str("/etc/app.conf"), "content": str("a\nB\nc\n")}))
	wantAction(t, c, resources.Update, "content differs")
	u := c.Content.Unified("")
	for _, want := range []string{"--- /etc/app.conf", "-b", "+B", " a"} {
		if !strings.Contains(u, want) {
			t.Fatalf("diff lacks %q:\n%s", want, u)
		}
	}
	if len(c.Attrs) != 0 {
		t.Fatalf("unexpected attribute changes %+v", c.Attrs)
	}
}

func TestSensitiveDiffsHideContent(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/secret", "password=hunter2\n", 0600)
	cases := []struct {
		name      string
		content   string
		sensitive []string
	}{
		{"marked", "password=swordfish\n", []string{"content"}},
		{"marked source", "password=swordfish\n", []string{"source"}},
		{"private key", "-----BEGIN PRIVATE KEY-----\nswordfish\n-----END PRIVATE KEY-----\n", nil},
	}
	for _, tc := range cases {
		attr := "content"
		if tc.sensitive != nil {
			attr = tc.sensitive[0]
		}
		c := f.plan(f.resource(attrs{"path": str("/etc/secret"), attr: str(tc.content)}, tc.sensitive...))
		u := c.Content.Unified("")
		if !c.Content.Sensitive || strings.Contains(u, "hunter2") || strings.Contains(u, "swordfish") {
			t.Fatalf("%s: diff leaks:\n%s", tc.name, u)
		}
	}
	// A live private key is masked even when the new content is not secret.
	f.write("/etc/secret", "-----BEGIN RSA PRIVATE KEY-----\nhunter2\n", 0600)
	c := f.plan(f.resource(attrs{"path": str("/etc/secret"), "content": str("public\n")}))
	if u := c.Content.Unified(""); strings.Contains(u, "hunter2") || strings.Contains(u, "public") {
		t.Fatalf("diff leaks the old key:\n%s", u)
	}
}

func TestModeOnlyChangeDoesNotRewrite(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/conf", "same\n", 0644)
	before := f.lstat("/etc/conf")
	c := f.converge(f.resource(attrs{"path": str("/etc/conf"), "content": str("same\n"), "mode": str("0600")}))
	wantAction(t, c, resources.Update, "mode differs")
	if c.Content != nil || len(c.Attrs) != 1 || c.Attrs[0].Old != "0644" || c.Attrs[0].New != "0600" {
		t.Fatalf("change %+v", c)
	}
	after := f.lstat("/etc/conf")
	if !os.SameFile(before, after) {
		t.Fatal("mode change replaced the file")
	}
	if after.Mode() != 0600 {
		t.Fatalf("mode %v", after.Mode())
	}
	if n := len(f.backups("/etc/conf")); n != 0 {
		t.Fatalf("%d backups for a mode change", n)
	}
}

func TestSpecialModeBits(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/srv", 0755)
	f.converge(f.resource(attrs{"path": str("/srv/shared"), "ensure": str("directory"), "mode": str("2775")}))
	st, _ := f.resource(attrs{"path": str("/srv/shared"), "ensure": str("directory")}).Read(context.Background())
	if st["mode"] != "2775" {
		t.Fatalf("mode %q, want 2775", st["mode"])
	}
}

func TestValidateCmd(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/my app.conf", "good\n", 0644)
	check := "grep -q good % || { echo \"syntax error in $(basename %)\" >&2; exit 3; }"
	bad := f.resource(attrs{"path": str("/etc/my app.conf"), "content": str("bad\n"), "validate_cmd": str(check)})
	err := f.apply(bad)
	wantErr(t, err, "syntax error in .tend-tmp-")
	wantErr(t, err, ".my app.conf")
	wantErr(t, err, "exit status 3")
	if got := f.read("/etc/my app.conf"); got != "good\n" {
		t.Fatalf("live file changed to %q", got)
	}
	if names := f.entries("/etc"); !slices.Equal(names, []string{"my app.conf"}) {
		t.Fatalf("/etc holds %v", names)
	}
	if n := len(f.backups("/etc/my app.conf")); n != 0 {
		t.Fatalf("rejected change left %d backups", n)
	}
	good := f.resource(attrs{"path": str("/etc/my app.conf"), "content": str("good too\n"), "validate_cmd": str(check)})
	f.converge(good)
	if got := f.read("/etc/my app.conf"); got != "good too\n" {
		t.Fatalf("content %q", got)
	}
}

func TestValidatorOutputIsBounded(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/x"), "content": str("x"), "validate_cmd": str("yes error | head -c 100000 >&2; cat % >/dev/null; false")})
	err := f.apply(r)
	wantErr(t, err, "(truncated)")
	if len(err.Error()) > maxValidatorOutput+200 {
		t.Fatalf("error is %d bytes", len(err.Error()))
	}
	if f.exists("/etc/x") {
		t.Fatal("rejected file was created")
	}
}

func TestHungValidatorIsKilledWithItsChildren(t *testing.T) {
	defer func(d time.Duration) { validatorTimeout = d }(validatorTimeout)
	validatorTimeout = 300 * time.Millisecond
	f := newFixture(t)
	pids := f.env.StateDir + "/pids"
	r := f.resource(attrs{"path": str("/etc/x"), "content": str("x"),
		"validate_cmd": str("sleep 60 & echo $! > " + pids + "; cat % >/dev/null; sleep 60")})
	start := time.Now()
	err := f.apply(r)
	wantErr(t, err, "did not finish within")
	if time.Since(start) > 10*time.Second {
		t.Fatalf("hung validator held the run for %s", time.Since(start))
	}
	b, rerr := os.ReadFile(pids)
	if rerr != nil {
		t.Fatal(rerr)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	for i := 0; i < 50 && processAlive(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if processAlive(pid) {
		t.Fatalf("the validator's child %d outlived it", pid)
	}
	if f.exists("/etc/x") {
		t.Fatal("unvalidated file was created")
	}
}

// processAlive reports whether pid runs (a zombie counts as gone).
func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] != "Z"
}

func TestPrivateKeyNeverWiderThanItsMode(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/key.pem", "old public data\n", 0644)
	seen := f.env.StateDir + "/seen"
	r := f.resource(attrs{
		"path":         str("/etc/key.pem"),
		"content":      str("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"),
		"mode":         str("0600"),
		"validate_cmd": str("ls -ln % >" + seen),
	})
	f.converge(r)
	out, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "-rw------- ") {
		t.Fatalf("temporary file at validation: %s", out)
	}
	if m := f.lstat("/etc/key.pem").Mode(); m != 0600 {
		t.Fatalf("final mode %v", m)
	}
}

func TestMissingParentIsAnError(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/nope/file"), "content": str("x")})
	c := f.plan(r)
	wantAction(t, c, resources.Create, "does not exist")
	if want := []resources.PathNeed{{Path: "/etc/nope", Dir: true, Outermost: "/etc/nope"}}; !slices.Equal(c.MissingPaths, want) {
		t.Fatalf("missing paths %v, want %v", c.MissingPaths, want)
	}
	wantErr(t, r.Apply(context.Background(), c), "parent directory /etc/nope does not exist; manage it with a directory resource")
	if f.exists("/etc/nope") {
		t.Fatal("parent was created")
	}
	deeper := f.plan(f.resource(attrs{"path": str("/etc/nope/a/b"), "ensure": str("directory")}))
	if want := []resources.PathNeed{{Path: "/etc/nope/a", Dir: true, Outermost: "/etc/nope"}}; !slices.Equal(deeper.MissingPaths, want) {
		t.Fatalf("missing paths %v, want %v", deeper.MissingPaths, want)
	}
	f.mkdir("/etc/nope", 0o755)
	if c := f.plan(r); len(c.MissingPaths) != 0 {
		t.Fatalf("missing paths %v with the parent present", c.MissingPaths)
	}
	if c := f.plan(f.resource(attrs{"path": str("/etc/gone/file"), "ensure": str("absent")})); len(c.MissingPaths) != 0 {
		t.Fatalf("a removal needs %v", c.MissingPaths)
	}
	if c := f.plan(f.resource(attrs{"path": str("/etc/hidden/file"), "content": str("x")}, "path")); len(c.MissingPaths) != 0 {
		t.Fatalf("a sensitive path is listed: %v", c.MissingPaths)
	}
}

// A planned directory creates its path for what is planned in it; a file
// creates a file. Neither creates anything when nothing changes.
func TestFileCreatesPath(t *testing.T) {
	f := newFixture(t)
	dir := f.resource(attrs{"path": str("/etc/nginx"), "ensure": str("directory")}).(resources.PathCreator)
	file := f.resource(attrs{"path": str("/etc/aliases"), "content": str("x")}).(resources.PathCreator)
	create := resources.Change{Action: resources.Create}
	for _, c := range []struct {
		r      resources.PathCreator
		change resources.Change
		need   resources.PathNeed
		want   resources.Provision
	}{
		{dir, create, resources.PathNeed{Path: "/etc/nginx", Dir: true}, resources.Creates},
		{dir, create, resources.PathNeed{Path: "/etc/nginx"}, resources.NotCreated},
		{dir, create, resources.PathNeed{Path: "/etc/nginx/conf.d", Dir: true}, resources.NotCreated},
		{dir, resources.Change{Action: resources.NoOp}, resources.PathNeed{Path: "/etc/nginx", Dir: true}, resources.NotCreated},
		{file, create, resources.PathNeed{Path: "/etc/aliases"}, resources.Creates},
		{file, create, resources.PathNeed{Path: "/etc/aliases", Dir: true}, resources.NotCreated},
	} {
		if got, _ := c.r.CreatesPath(context.Background(), c.change, c.need); got != c.want {
			t.Errorf("%v for %s: %v, want %v", c.change.Action, c.need, got, c.want)
		}
	}
}

func TestSymlinkedParentRefused(t *testing.T) {
	f := newFixture(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, f.path("/etc/conf.d")); err != nil {
		t.Fatal(err)
	}
	r := f.resource(attrs{"path": str("/etc/conf.d/x.conf"), "content": str("x")})
	_, err := f.tryPlan(r)
	wantErr(t, err, "parent directory /etc/conf.d is a symlink")
	err = r.Apply(context.Background(), resources.Change{Action: resources.Create})
	wantErr(t, err, "is a symlink")
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatal("wrote through the symlink")
	}
}

func TestStaleChangeRefused(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/f"), "content": str("x")})
	c := f.plan(r)
	f.write("/etc/f", "someone else", 0644)
	wantErr(t, r.Apply(context.Background(), c), "changed since it was planned")
}

func TestNewRejectsBadConfig(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		a    attrs
		want string
	}{
		{attrs{"path": str("etc/motd")}, "must be absolute"},
		{attrs{"path": str("/etc/a"), "ensure": str("present")}, "ensure must be"},
		{attrs{"path": str("/etc/a"), "content": str("x"), "source": str("y")}, "at most one of content, source and template, not content and source"},
		{attrs{"path": str("/etc/a"), "mode": str("0999")}, "must be octal"},
		{attrs{"path": str("/etc/a"), "mode": str("rw-r--r--")}, "must be octal"},
		{attrs{"path": str("/etc/a"), "mode": str("10644")}, "must be octal"},
		{attrs{"path": str("/etc/a"), "ensure": str("link")}, "needs a target"},
		{attrs{"path": str("/etc/a"), "target": str("/b")}, "target only applies"},
		{attrs{"path": str("/etc/a"), "ensure": str("directory"), "content": str("x")}, "content only applies"},
		{attrs{"path": str("/etc/a"), "validate_cmd": str("true")}, "must contain %"},
		{attrs{"path": str("/etc/a"), "vars": cty.ObjectVal(map[string]cty.Value{"a": str("b")})}, "only used with template"},
		{attrs{"path": str("/etc/a"), "owner": str("a:b")}, "not a valid name"},
	}
	for _, tc := range cases {
		_, err := Kind().New(f.config(tc.a))
		wantErr(t, err, tc.want)
	}
}

func TestIdentityAndNeeds(t *testing.T) {
	f := newFixture(t)
	cfg := f.config(attrs{"path": str("/etc/postfix/../postfix/main.cf")})
	if id := fmt.Sprint(Kind().Identities(cfg)); id != "[file:/etc/postfix/main.cf]" {
		t.Fatalf("identity %q", id)
	}
	needs := fmt.Sprint(Kind().Order(cfg))
	if needs != "[after file:/etc after file:/etc/postfix]" {
		t.Fatalf("needs %v", needs)
	}
	// Accounts named as owner or group are needed; numeric ids name none.
	cfg = f.config(attrs{"path": str("/etc/opendkim.conf"), "owner": str("opendkim"), "group": str("0")})
	if needs := fmt.Sprint(Kind().Order(cfg)); needs != "[after user:opendkim after file:/etc]" {
		t.Fatalf("needs %v", needs)
	}
	cfg = f.config(attrs{"path": str("/etc/x"), "owner": str("1000"), "group": str("mail")})
	if needs := fmt.Sprint(Kind().Order(cfg)); needs != "[after group:mail after file:/etc]" {
		t.Fatalf("needs %v", needs)
	}
	// What configures APT comes before every package.
	cfg = f.config(attrs{"path": str("/etc/apt/apt.conf.d/30proxy")})
	if got := fmt.Sprint(Kind().Order(cfg)); got != "[after file:/etc after file:/etc/apt after file:/etc/apt/apt.conf.d before every package]" {
		t.Fatalf("order %v", got)
	}
	if got := fmt.Sprint(Kind().Order(f.config(attrs{"path": str("/etc/aptitude")}))); got != "[after file:/etc]" {
		t.Fatalf("order %v", got)
	}
}
