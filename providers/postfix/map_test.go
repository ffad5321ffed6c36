package postfix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
	"github.com/zclconf/go-cty/cty"
)

func TestBuildsEveryTableType(t *testing.T) {
	for _, typ := range []string{"hash", "btree", "cdb", "lmdb"} {
		t.Run(typ, func(t *testing.T) {
			needType(t, typ)
			f := newFixture(t)
			f.write("/etc/postfix/transport", transportV1, 0644)
			r := f.resource(attrs{"path": str("/etc/postfix/transport"), "type": str(typ)})
			table := "/etc/postfix/transport" + tableSuffix[typ]
			if c := f.converge(r); c.Action != resources.Create || c.Reason != table+" does not exist" {
				t.Fatalf("first plan: %s (%s)", c.Action, c.Reason)
			}
			f.wantValue(typ, "/etc/postfix/transport", "example.com", "smtp:[relay1.test]")
			f.wantAction(r, resources.NoOp, "up to date")
			f.noTemporaries("/etc/postfix")
			if _, err := os.Stat(r.record); err != nil {
				t.Fatalf("no build record: %v", err)
			}
		})
	}
}

func TestChangedSourceIsRebuiltByRename(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/transport", transportV1, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.converge(r)
	before := f.inode("/etc/postfix/transport.db")
	// A reader holding the live table open, as a Postfix daemon does.
	old, err := os.Open(f.path("/etc/postfix/transport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldInfo, _ := old.Stat()

	f.write("/etc/postfix/transport", transportV2, 0644)
	f.wantAction(r, resources.Update, "source changed since the table was built, sha256 ")
	f.converge(r)
	f.wantValue("hash", "/etc/postfix/transport", "example.com", "smtp:[relay2.test]")
	if f.inode("/etc/postfix/transport.db") == before {
		t.Fatal("the live table was rewritten in place, not replaced by rename")
	}
	// The old table is whole, and unlinked: Postfix daemons see a link
	// count of zero and restart with the new one.
	st, err := old.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != oldInfo.Size() || st.Sys().(*syscall.Stat_t).Nlink != 0 {
		t.Fatalf("old table: size %d (was %d), links %d; want it whole and unlinked", st.Size(), oldInfo.Size(), st.Sys().(*syscall.Stat_t).Nlink)
	}
	f.noTemporaries("/etc/postfix")
}

// TestLookupsNeverSeeAHalfBuiltTable queries the live table while it is
// rebuilt over and over: every answer must be the old or the new value.
func TestLookupsNeverSeeAHalfBuiltTable(t *testing.T) {
	f := newFixture(t)
	var src strings.Builder
	for i := range 3000 {
		src.WriteString("filler" + string(rune('a'+i%26)) + strings.Repeat("x", i%50) + " " + "v\n")
	}
	big := src.String()
	f.write("/etc/postfix/transport", "example.com one\n"+big, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport"), "check_key": str("example.com")})
	f.converge(r)

	var stop atomic.Bool
	var wg sync.WaitGroup
	var bad atomic.Value
	lookups := atomic.Int64{}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				cmd := exec.Command("postmap", "-c", f.path("/etc/postfix"), "-q", "example.com", "hash:"+f.path("/etc/postfix/transport"))
				out, err := cmd.CombinedOutput()
				v := strings.TrimSpace(string(out))
				if err != nil || (v != "one" && v != "two") {
					bad.Store(v + " " + errString(err))
				}
				lookups.Add(1)
			}
		}()
	}
	for i := range 10 {
		v := []string{"one", "two"}[i%2]
		f.write("/etc/postfix/transport", "example.com "+v+"\n"+big, 0644)
		f.converge(r)
	}
	stop.Store(true)
	wg.Wait()
	if b := bad.Load(); b != nil {
		t.Fatalf("a lookup during a rebuild answered %q", b)
	}
	t.Logf("%d lookups during 10 rebuilds", lookups.Load())
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestKilledRunIsRebuilt: a run that wrote the source and died before the
// build, or died after building into its temporary but before the rename,
// leaves the old table and the old record; the next run rebuilds.
func TestKilledRunIsRebuilt(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/transport", transportV1, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.converge(r)

	// Killed between the source write and the build.
	f.write("/etc/postfix/transport", transportV2, 0644)
	r = f.resource(attrs{"path": str("/etc/postfix/transport")}) // a new run
	f.wantAction(r, resources.Update, "source changed since the table was built")

	// Killed after postmap built the temporary, before the rename: what
	// that run left beside the table, an hour old.
	leftover := f.path("/etc/postfix/" + atomicfile.TempPrefix + "123456.transport")
	if err := os.WriteFile(leftover, []byte(transportV2), 0644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("postmap", "-c", f.path("/etc/postfix"), "hash:"+leftover).CombinedOutput(); err != nil {
		t.Fatalf("postmap: %v: %s", err, out)
	}
	f.wantValue("hash", "/etc/postfix/transport", "example.com", "smtp:[relay1.test]")
	r = f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.wantAction(r, resources.Update, "source changed since the table was built")
	// The next apply sweeps before it begins.
	var s resources.Sweeper = r
	if n, err := s.Sweep(s.TempDirs()[0]); n != 2 || err != nil {
		t.Fatalf("swept %d (%v), want the copy and its table", n, err)
	}
	f.converge(r)
	f.wantValue("hash", "/etc/postfix/transport", "example.com", "smtp:[relay2.test]")
	f.noTemporaries("/etc/postfix")
}

// A damaged build record (truncated, garbage, a directory) is a rebuild,
// never a failure: the rebuild writes a good record.
func TestDamagedRecordIsRebuilt(t *testing.T) {
	for name, damage := range map[string]func(path string) error{
		"truncated": func(p string) error { return os.WriteFile(p, []byte(`{"path": "/etc/po`), 0o600) },
		"zeroed":    func(p string) error { return os.WriteFile(p, make([]byte, 64), 0o600) },
		"directory": func(p string) error { os.Remove(p); return os.MkdirAll(p+"/x", 0o700) },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.write("/etc/postfix/transport", transportV1, 0644)
			r := f.resource(attrs{"path": str("/etc/postfix/transport")})
			f.converge(r)
			recs, _ := filepath.Glob(r.record)
			if len(recs) != 1 {
				t.Fatalf("records %v", recs)
			}
			if err := damage(recs[0]); err != nil {
				t.Fatal(err)
			}
			r = f.resource(attrs{"path": str("/etc/postfix/transport")})
			f.wantAction(r, resources.Update, "the build record of /etc/postfix/transport.db is damaged")
			f.converge(r)
			if rec, err := loadRecord(recs[0]); err != nil || rec == nil {
				t.Fatalf("record after the rebuild: %v, %v", rec, err)
			}
		})
	}
}

func TestDeletedTableIsRebuilt(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/transport", transportV1, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.converge(r)
	if err := os.Remove(f.path("/etc/postfix/transport.db")); err != nil {
		t.Fatal(err)
	}
	f.wantAction(r, resources.Create, "/etc/postfix/transport.db does not exist")
	f.converge(r)
	f.wantValue("hash", "/etc/postfix/transport", "example.org", "local:")
}

// TestFailedCheckKeepsLiveTable: postmap accepts nearly anything (a line
// without a value is only a warning), so a check_key that stops resolving
// is what catches a broken source; the live table and the record stay.
func TestFailedCheckKeepsLiveTable(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/transport", transportV1, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport"), "check_key": str("example.com")})
	f.converge(r)
	before := f.inode("/etc/postfix/transport.db")

	f.write("/etc/postfix/transport", "example.com\nexample.org local:\n", 0644) // the value got lost
	err := f.apply(r)
	if err == nil || !strings.Contains(err.Error(), `key "example.com" does not resolve in the new table; the live table is untouched`) {
		t.Fatalf("apply: %v", err)
	}
	if out := r.Output(); !strings.Contains(out, "/etc/postfix/transport, line 1: expected format: key whitespace value") || strings.Contains(out, atomicfile.TempPrefix) {
		t.Fatalf("output does not carry postmap's warning under the live name:\n%s", out)
	}
	if f.inode("/etc/postfix/transport.db") != before {
		t.Fatal("the live table was replaced although the check failed")
	}
	f.wantValue("hash", "/etc/postfix/transport", "example.com", "smtp:[relay1.test]")
	f.noTemporaries("/etc/postfix")
	f.wantAction(r, resources.Update, "source changed since the table was built")
}

// TestBrokenMainCfKeepsLiveTable: postmap reads the root's main.cf; when
// it dies, nothing replaces the live table.
func TestBrokenMainCfKeepsLiveTable(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/transport", transportV1, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.converge(r)
	f.write("/etc/postfix/transport", transportV2, 0644)
	f.mainCf("this is not a parameter\n")
	err := f.apply(r)
	if err == nil || !strings.Contains(err.Error(), "postmap exited 1, the live table is untouched") ||
		!strings.Contains(err.Error(), `main.cf, line 1: missing '=' after attribute name`) {
		t.Fatalf("apply: %v", err)
	}
	f.mainCf("")
	f.wantValue("hash", "/etc/postfix/transport", "example.com", "smtp:[relay1.test]")
	f.noTemporaries("/etc/postfix")
}

// TestWithoutMainCf: a root (or host) whose Postfix is not configured yet
// still gets its table, built with Postfix's defaults.
func TestWithoutMainCf(t *testing.T) {
	f := newFixture(t)
	os.Remove(f.path("/etc/postfix/main.cf"))
	f.write("/etc/postfix/transport", transportV1, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.converge(r)
	if !strings.Contains(r.Output(), "tend: /etc/postfix has no main.cf: used Postfix's built-in defaults") {
		t.Fatalf("output: %q", r.Output())
	}
	f.mainCf("")
	f.wantValue("hash", "/etc/postfix/transport", "example.com", "smtp:[relay1.test]")
}

func TestOwnerAndModeFollowTheSource(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to own files as another user")
	}
	f := newFixture(t)
	f.write("/etc/postfix/sasl_passwd", "[relay.test]:587 user:secret\n", 0640)
	if err := os.Chown(f.path("/etc/postfix/sasl_passwd"), 0, 65534); err != nil {
		t.Fatal(err)
	}
	r := f.resource(attrs{"path": str("/etc/postfix/sasl_passwd")})
	f.converge(r)
	fi, err := os.Stat(f.path("/etc/postfix/sasl_passwd.db"))
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Perm() != 0640 || st.Uid != 0 || st.Gid != 65534 {
		t.Fatalf("table is %v %d:%d, want 0640 0:65534 like its source", fi.Mode(), st.Uid, st.Gid)
	}
	if strings.Contains(r.Output(), "secret") {
		t.Fatalf("output shows a table value: %q", r.Output())
	}
}

func TestAliasesUsePostalias(t *testing.T) {
	needTool(t, "postalias")
	f := newFixture(t)
	f.write("/etc/aliases", "# local\npostmaster: root\nroot: admin@example.test\n", 0644)
	r := f.resource(attrs{"path": str("/etc/aliases"), "alias": cty.True})
	f.converge(r)
	got, ok := f.lookup("postalias", "hash", "/etc/aliases", "root")
	if !ok || got != "admin@example.test" {
		t.Fatalf("postalias -q root = %q, %v", got, ok)
	}
	// postmap would have stored the key with its colon: postalias built it.
	if _, ok := f.lookup("postmap", "hash", "/etc/aliases", "postmaster:"); ok {
		t.Fatal("the aliases table was built by postmap")
	}
	// Switching tools rebuilds, since the tables differ.
	r = f.resource(attrs{"path": str("/etc/aliases")})
	f.wantAction(r, resources.Update, "the table was built as hash by postalias, want hash by postmap")
}

func TestFirstKeyResolves(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		src, want string
		alias     bool
	}{
		{"# c\n\n  # indented comment\nKey1 v\n", "Key1", false},
		{"novalue\n\tcontinued\nkey2 v\n", "key2", false},
		{"@example.com\tdiscard:\n", "@example.com", false},
		{"foo: bar\n", "foo:", false},
		{"# a\nroot:\tadmin\n", "root", true},
		{"MAILER-DAEMON : postmaster\n", "MAILER-DAEMON", true},
	}
	for i, c := range cases {
		got := firstKey([]byte(c.src), c.alias)
		if got != c.want {
			t.Errorf("case %d: first key %q, want %q", i, got, c.want)
			continue
		}
		p := "/etc/postfix/keys"
		f.write(p, c.src, 0644)
		tool := "postmap"
		if c.alias {
			tool = "postalias"
		}
		if out, err := exec.Command(tool, "-c", f.path("/etc/postfix"), "hash:"+f.path(p)).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", tool, err, out)
		}
		if _, ok := f.lookup(tool, "hash", p, got); !ok {
			t.Errorf("case %d: %s does not find the first key %q", i, tool, got)
		}
	}
}

// TestRegexpTablesAreCheckedNotBuilt: pcre, regexp and cidr tables are the
// source; a changed source is checked and reported as a change so that a
// notified service reloads.
func TestRegexpTablesAreCheckedNotBuilt(t *testing.T) {
	for _, typ := range []string{"pcre", "regexp", "cidr"} {
		t.Run(typ, func(t *testing.T) {
			needType(t, typ)
			f := newFixture(t)
			src := map[string][2]string{
				"pcre":   {"/^spam\\./ REJECT\n", "/^spam\\./ REJECT\n/^ham\\./ OK\n"},
				"regexp": {"/^spam\\./ REJECT\n", "/^spam\\./ REJECT\n/^ham\\./ OK\n"},
				"cidr":   {"192.0.2.0/24 REJECT\n", "192.0.2.0/24 REJECT\n198.51.100.0/24 OK\n"},
			}[typ]
			key := map[string]string{"pcre": "ham.test", "regexp": "ham.test", "cidr": "198.51.100.7"}[typ]
			p := "/etc/postfix/checks"
			f.write(p, src[0], 0644)
			r := f.resource(attrs{"path": str(p), "type": str(typ)})
			f.wantAction(r, resources.Create, "has not been checked as "+typ+" by postmap yet")
			f.converge(r)
			if names := f.listDir("/etc/postfix"); !slices.Equal(names, []string{"checks", "main.cf"}) {
				t.Fatalf("a %s table built files: %v", typ, names)
			}
			f.wantAction(r, resources.NoOp, "was checked as it is")

			// A check_key that does not match keeps the record old.
			r = f.resource(attrs{"path": str(p), "type": str(typ), "check_key": str(key)})
			f.write(p, src[0]+"\n", 0644)
			if err := f.apply(r); err == nil || !strings.Contains(err.Error(), "does not resolve") {
				t.Fatalf("apply with an unmatched check_key: %v", err)
			}
			f.write(p, src[1], 0644)
			f.wantAction(r, resources.Update, "source changed since it was last checked")
			f.converge(r)
			f.wantValue(typ, p, key, "OK")
		})
	}
}

func TestRefreshRebuilds(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/transport", transportV1, 0644)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.converge(r)
	// Right after its own build, a notified map does not build again.
	first := f.inode("/etc/postfix/transport.db")
	if err := r.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.inode("/etc/postfix/transport.db") != first || !strings.Contains(r.Output(), "not built again") {
		t.Fatalf("refresh after the run's own build rebuilt it (output %q)", r.Output())
	}
	// In a later run, a refresh rebuilds though nothing changed.
	r = f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.wantAction(r, resources.NoOp, "up to date")
	if err := r.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.inode("/etc/postfix/transport.db") == first {
		t.Fatal("refresh did not rebuild the table")
	}
	f.wantValue("hash", "/etc/postfix/transport", "example.com", "smtp:[relay1.test]")
}

// TestTableBuiltByHand: with no record, a table newer than its source is
// trusted, an older one rebuilt.
func TestTableBuiltByHand(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/transport", transportV1, 0644)
	if out, err := exec.Command("postmap", "-c", f.path("/etc/postfix"), "hash:"+f.path("/etc/postfix/transport")).CombinedOutput(); err != nil {
		t.Fatalf("postmap: %v: %s", err, out)
	}
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.wantAction(r, resources.NoOp, "up to date")
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(f.path("/etc/postfix/transport"), later, later); err != nil {
		t.Fatal(err)
	}
	f.wantAction(r, resources.Update, "is older than its source and tend has no record of building it")
	f.converge(r)
}

// TestPlanChangesNothing: Read and Plan create no table, temporary or
// record, even with everything to do.
func TestPlanChangesNothing(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	f.wantAction(r, resources.Create, "/etc/postfix/transport.db does not exist, nor does its source /etc/postfix/transport yet")
	f.write("/etc/postfix/transport", transportV1, 0644)
	f.wantAction(r, resources.Create, "/etc/postfix/transport.db does not exist")
	if names := f.listDir("/etc/postfix"); !slices.Equal(names, []string{"main.cf", "transport"}) {
		t.Fatalf("plan left %v", names)
	}
	if ents, _ := os.ReadDir(f.env.StateDir); len(ents) != 0 {
		t.Fatalf("plan wrote to the state directory: %v", ents)
	}
}

// A source that does not exist is what the plan needs created first
// (MissingPaths), with its directory when that is missing too.
func TestMissingSourceIsNeeded(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string][]resources.PathNeed{
		"/etc/postfix/transport": {{Path: "/etc/postfix/transport"}},
		"/etc/postfix/x/virtual": {{Path: "/etc/postfix/x/virtual", Outermost: "/etc/postfix/x"}},
	} {
		if got := f.plan(f.resource(attrs{"path": str(path)})).MissingPaths; !slices.Equal(got, want) {
			t.Errorf("%s: missing paths %v, want %v", path, got, want)
		}
	}
	f.write("/etc/postfix/transport", transportV1, 0644)
	if got := f.plan(f.resource(attrs{"path": str("/etc/postfix/transport")})).MissingPaths; len(got) != 0 {
		t.Errorf("with its source: missing paths %v", got)
	}
}

func TestMissingSourceFailsApply(t *testing.T) {
	f := newFixture(t)
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	if err := f.apply(r); err == nil || err.Error() != "source /etc/postfix/transport does not exist" {
		t.Fatalf("apply: %v", err)
	}
}

func TestSymlinkedSourceIsRefused(t *testing.T) {
	f := newFixture(t)
	f.write("/etc/postfix/real", transportV1, 0644)
	if err := os.Symlink("/etc/postfix/real", f.path("/etc/postfix/transport")); err != nil {
		t.Fatal(err)
	}
	r := f.resource(attrs{"path": str("/etc/postfix/transport")})
	if _, err := r.Read(context.Background()); err == nil || !strings.Contains(err.Error(), "is a symlink") {
		t.Fatalf("read: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	f := &fixture{t: t, env: resources.Env{Root: t.TempDir()}}
	cases := []struct {
		a    attrs
		attr string
		msg  string
	}{
		{attrs{"path": str("transport")}, "path", "must be an absolute file path"},
		{attrs{"path": str("/etc/postfix/t"), "type": str("dbm")}, "type", "type must be one of btree, cdb, cidr, hash, lmdb, pcre, regexp, not \"dbm\""},
		{attrs{"path": str("/etc/postfix/t"), "check_key": str("-")}, "check_key", "cannot be looked up"},
		{attrs{"path": str("/etc/postfix/t"), "check_key": str("")}, "check_key", "cannot be looked up"},
		{attrs{"path": str("/etc/postfix/t"), "postfix_dir": str("etc")}, "postfix_dir", "must be an absolute path"},
	}
	for _, c := range cases {
		_, err := Kind().New(f.config(c.a))
		var ae *resources.AttrError
		if !errors.As(err, &ae) || ae.Attr != c.attr || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: error %v, want on %s: %s", c.a, err, c.attr, c.msg)
		}
	}
}

func TestIdentityNamesTheTable(t *testing.T) {
	f := &fixture{t: t}
	id := func(a attrs) string { return fmt.Sprint(Kind().Identities(f.config(a))) }
	hash := id(attrs{"path": str("/etc/postfix/transport")})
	btree := id(attrs{"path": str("/etc/postfix//transport"), "type": str("btree")})
	if hash != "[postfix_map:/etc/postfix/transport.db]" || hash != btree {
		t.Fatalf("hash %q and btree %q of one source must conflict", hash, btree)
	}
	if got := id(attrs{"path": str("/etc/postfix/checks"), "type": str("pcre")}); got != "[postfix_map:pcre:/etc/postfix/checks]" {
		t.Fatalf("pcre identity %q", got)
	}
	if got := fmt.Sprint(Kind().Order(f.config(attrs{"path": str("/etc/postfix/transport")}))); got != "[after file:/etc/postfix/transport]" {
		t.Fatalf("needs %v", got)
	}
}

func TestRecordNames(t *testing.T) {
	a := recordPath("/var/lib/tend", spec{path: "/etc/postfix/transport", typ: "hash", suffix: ".db"})
	b := recordPath("/var/lib/tend", spec{path: "/etc/postfix/transport", typ: "pcre"})
	if a != filepath.Join("/var/lib/tend", recordDir, "%2Fetc%2Fpostfix%2Ftransport.db.json") || a == b {
		t.Fatalf("record paths %q, %q", a, b)
	}
}
