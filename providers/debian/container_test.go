package debian_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tendhq/tend/providers/debian"
	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/graph"
	"github.com/tendhq/tend/testfixtures/container"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

// insideEnv is set when this test binary runs inside a container, where
// TestInside does the work of TestInContainer.
const insideEnv = "TEND_DEBIAN_INSIDE"

var mailAnswers = map[string]string{
	"postfix/main_mailer_type": "select No configuration",
	"postfix/mailname":         "string mx.tend.test",
}

// TestInContainer installs postfix (with its mailer type preseeded) and
// opendkim in one apt transaction inside a booted Debian 11 container,
// from its offline package cache, then plans again and removes opendkim.
// The work is TestInside, run by a copy of this test binary in there.
func TestInContainer(t *testing.T) {
	skipShort(t)
	c := container.New(t, container.Options{Packages: []string{"postfix", "opendkim"}})
	c.Boot(t)
	c.CopyIn(t, testBinary(t), "/usr/local/bin/debian.test")
	start := time.Now()
	out := c.Run(t, "env", insideEnv+"=1", "/usr/local/bin/debian.test", "-test.run", "^TestInside$", "-test.v", "-test.count=1")
	t.Logf("inside (%v):\n%s", time.Since(start).Round(time.Millisecond), out)
	if !strings.Contains(out, "--- PASS: TestInside") {
		t.Fatal("TestInside did not pass inside the container")
	}
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("installs packages in a container (about 30 s)")
	}
}

// testBinary builds this package's tests as a static binary that runs in
// the container.
func testBinary(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "debian.test")
	cmd := exec.Command("go", "test", "-c", "-o", path, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	return path
}

func TestInside(t *testing.T) {
	if os.Getenv(insideEnv) == "" {
		t.Skip("runs inside a container, started by TestInContainer")
	}
	installs := historyInstalls(t)
	cmds := debian.RecordCommands(t)
	mail := func(k resources.Kind) []engine.Node {
		return []engine.Node{
			{Addr: "package.postfix", Resource: bind(t, k, "postfix", attrs{"name": "postfix", "debconf": mailAnswers}, resources.Env{})},
			{Addr: "package.opendkim", Resource: bind(t, k, "opendkim", attrs{"name": "opendkim"}, resources.Env{})},
		}
	}
	nodes := mail(debian.Kind())
	start := time.Now()
	res := engine.Plan(context.Background(), nodes, graph.New(2), engine.Options{Parallel: 2})
	t.Logf("plan: %v", time.Since(start).Round(time.Millisecond))
	for _, o := range res.Outcomes {
		if o.Change.Action != resources.Create || o.Err != "" {
			t.Fatalf("%s: %+v %s", o.Addr, o.Change, o.Err)
		}
		t.Logf("%s: %s %+v", o.Addr, o.Change.Reason, o.Change.Attrs)
	}
	if d, _ := attr(res.Outcomes[1].Change, "dependencies"); !strings.Contains(d.New, "libopendkim11") {
		t.Errorf("opendkim's dependencies: %+v", d)
	}

	start = time.Now()
	news := &newsWatcher{}
	res = engine.Apply(context.Background(), mail(debian.Kind()), graph.New(2), engine.Options{Parallel: 2, Watch: news})
	t.Logf("apply: %v", time.Since(start).Round(time.Millisecond))
	checkNews(t, news, "opendkim")
	for _, o := range res.Outcomes {
		if o.Status != engine.Changed {
			t.Fatalf("%s: %s %s\n%s", o.Addr, o.Status, o.Err, o.Output)
		}
	}
	// The output is with the package that applied the batch; the other
	// points to it.
	outs := res.Outcomes[0].Output + "\n" + res.Outcomes[1].Output
	t.Logf("transaction output:\n%s", outs)
	if !strings.Contains(outs, "(the apt transaction's output is reported with package.") {
		t.Error("no package points to the other's output")
	}
	if n := cmds.Count("apt-get", "install", "-y", "postfix", "opendkim"); n != 1 || cmds.Count("apt-get", "install", "-y") != 1 || cmds.Count("update") != 0 {
		t.Errorf("want one apt-get install of both and no update:\n%s", cmds)
	}
	after := historyInstalls(t)
	if len(after) != len(installs)+1 || !containsWords(after[len(after)-1], "install", "postfix", "opendkim") {
		t.Errorf("apt's history shows these transactions since the test began: %q", after[len(installs):])
	}
	checkMail(t)

	cmds = debian.RecordCommands(t)
	start = time.Now()
	res = engine.Plan(context.Background(), mail(debian.Kind()), graph.New(2), engine.Options{Parallel: 2})
	t.Logf("second plan: %v", time.Since(start).Round(time.Millisecond))
	for _, o := range res.Outcomes {
		if o.Change.Action != resources.NoOp || o.Err != "" {
			t.Errorf("second run: %s: %+v %s", o.Addr, o.Change, o.Err)
		}
	}
	if cmds.Count() != 1 || cmds.Count("dpkg-query") != 1 {
		t.Errorf("second run ran:\n%s", cmds)
	}
	removeInside(t)
	unknownInside(t)
}

// unknownInside asks for a package no list knows: the plan says the lists
// will be refreshed, the apply refreshes them once (which fails here, with
// no network) and fails the package naming it.
func unknownInside(t *testing.T) {
	t.Helper()
	cmds := debian.RecordCommands(t)
	nodes := []engine.Node{{Addr: "package.nope", Resource: bind(t, debian.Kind(), "nope", attrs{"name": "tend-no-such-package"}, resources.Env{})}}
	start := time.Now()
	o := engine.Apply(context.Background(), nodes, graph.New(1), engine.Options{}).Outcomes[0]
	t.Logf("unknown package: %v: %s", time.Since(start).Round(time.Millisecond), o.Err)
	if !strings.Contains(o.Change.Reason, "apt-get update will run first") || o.Status != engine.Failed ||
		!strings.Contains(o.Err, "apt does not know tend-no-such-package, and refreshing the package lists failed") {
		t.Errorf("unknown package: %s %+v %s", o.Status, o.Change, o.Err)
	}
	if cmds.Count("apt-get", "update") != 1 {
		t.Errorf("want one apt-get update:\n%s", cmds)
	}
}

// checkMail confirms the answers reached debconf, and that the host root
// is not kept from starting services.
func checkMail(t *testing.T) {
	t.Helper()
	out, err := exec.Command("debconf-show", "postfix").Output()
	if err != nil || !strings.Contains(string(out), "postfix/main_mailer_type: No configuration") ||
		!strings.Contains(string(out), "postfix/mailname: mx.tend.test") {
		t.Errorf("debconf-show postfix: %v\n%s", err, out)
	}
	if _, err := os.Stat("/etc/postfix/main.cf"); err == nil {
		t.Error(`postfix wrote main.cf although its mailer type is "No configuration"`)
	}
	if _, err := os.Stat("/usr/sbin/policy-rc.d"); err == nil {
		t.Error("policy-rc.d exists on a host root")
	}
	out, _ = exec.Command("systemctl", "is-active", "opendkim").Output()
	if strings.TrimSpace(string(out)) != "active" {
		t.Errorf("opendkim is %q, want active: services start when tend installs on the real root", out)
	}
}

func removeInside(t *testing.T) {
	t.Helper()
	nodes := []engine.Node{{Addr: "package.opendkim", Resource: bind(t, debian.Kind(), "opendkim",
		attrs{"name": "opendkim", "ensure": "absent"}, resources.Env{})}}
	start := time.Now()
	res := engine.Apply(context.Background(), nodes, graph.New(1), engine.Options{})
	t.Logf("removal: %v", time.Since(start).Round(time.Millisecond))
	if o := res.Outcomes[0]; o.Status != engine.Changed || o.Change.Action != resources.Delete {
		t.Fatalf("removal: %s %+v %s\n%s", o.Status, o.Change, o.Err, o.Output)
	}
	if st := dpkgStatus(t, "/var/lib/dpkg", "opendkim"); !strings.HasSuffix(st, "config-files") {
		t.Errorf("opendkim's status after removal: %q", st)
	}
	if st := dpkgStatus(t, "/var/lib/dpkg", "postfix"); st != "install ok installed" {
		t.Errorf("postfix's status after removing opendkim: %q", st)
	}
}

func containsWords(line string, words ...string) bool {
	fields := strings.Fields(line)
	for _, w := range words {
		if !slices.Contains(fields, w) {
			return false
		}
	}
	return true
}

// historyInstalls lists the command lines apt logged.
func historyInstalls(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("/var/log/apt/history.log")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "Commandline: "); ok {
			out = append(out, strings.TrimSpace(rest))
		}
	}
	return out
}

// TestRootInstall installs postfix from the host into a container's root
// file system before it ever boots, as `tend apply --root` does, then
// boots it and finds postfix running.
func TestRootInstall(t *testing.T) {
	skipShort(t)
	c := container.New(t, container.Options{Packages: []string{"postfix"}})
	env := resources.Env{Root: c.Root()}
	answers := map[string]string{"postfix/main_mailer_type": "select Local only", "postfix/mailname": "string mx.tend.test"}

	k := debian.Kind()
	planUnderPackage(t, env, answers)
	node := []engine.Node{{Addr: "package.postfix", Resource: bind(t, k, "postfix", attrs{"name": "postfix", "debconf": answers}, env)}}
	start := time.Now()
	news := &newsWatcher{}
	res := engine.Apply(context.Background(), node, graph.New(1), engine.Options{Watch: news})
	t.Logf("apply under --root: %v", time.Since(start).Round(time.Millisecond))
	checkNews(t, news, "postfix")
	if o := res.Outcomes[0]; o.Status != engine.Changed {
		t.Fatalf("%s %+v %s\n%s", o.Status, o.Change, o.Err, o.Output)
	}
	t.Logf("plan: %s %+v", res.Outcomes[0].Change.Reason, res.Outcomes[0].Change.Attrs)
	admin := filepath.Join(c.Root(), "var/lib/dpkg")
	if st := dpkgStatus(t, admin, "postfix"); st != "install ok installed" {
		t.Fatalf("postfix in the root: %q", st)
	}
	if _, err := os.Stat(filepath.Join(c.Root(), "usr/sbin/policy-rc.d")); err == nil {
		t.Error("policy-rc.d left in the root")
	}
	if out := res.Outcomes[0].Output; !strings.Contains(out, "policy-rc.d denied execution of start") {
		t.Errorf("postfix's maintainer scripts were not kept from starting it:\n%s", out)
	}
	if m := mountsUnder(t, c.Root()); len(m) > 0 {
		t.Errorf("mounts left under the root: %v", m)
	}
	if p := processesIn(c.Root()); len(p) > 0 {
		t.Errorf("processes left running in the root: %v", p)
	}
	again := []engine.Node{{Addr: "package.postfix", Resource: bind(t, debian.Kind(), "postfix", attrs{"name": "postfix", "debconf": answers}, env)}}
	if o := engine.Plan(context.Background(), again, graph.New(1), engine.Options{}).Outcomes[0]; o.Change.Action != resources.NoOp {
		t.Errorf("second plan: %+v %s", o.Change, o.Err)
	}
	c.Boot(t)
	// postfix.service only starts its instances; postfix@- is the mail system.
	if out, _, _ := c.Exec(t.Context(), "systemctl", "is-active", "postfix@-"); strings.TrimSpace(out) != "active" {
		t.Errorf("postfix after the first boot: %q\n%s", out, c.Journal(t, "postfix@-"))
	}
}

// TestHeldLock holds the dpkg frontend lock of a container's root, as
// another package manager would, and installs into it: the transaction
// waits lock_timeout, then fails naming this process. (The host's own lock
// is left alone: other package managers may be running there.)
func TestHeldLock(t *testing.T) {
	c := container.New(t, container.Options{})
	f, err := os.OpenFile(filepath.Join(c.Root(), "var/lib/dpkg/lock-frontend"), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); err != nil {
		t.Fatal(err)
	}
	r := bind(t, debian.Kind(), "postfix", attrs{"name": "postfix", "lock_timeout": 2}, resources.Env{Root: c.Root()})
	before := time.Now()
	ch := plan(t, r)
	if changed := changedSince(t, c.Root(), before); len(changed) > 0 {
		t.Errorf("the plan changed the root: %q", changed)
	}
	start := time.Now()
	err = r.Apply(context.Background(), ch)
	took := time.Since(start)
	if err == nil {
		t.Fatal("installed although the lock was held")
	}
	for _, want := range []string{"the package manager lock /var/lib/dpkg/lock-frontend is held by pid " + strconv.Itoa(os.Getpid()) + " (", "after waiting 2s"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if took < 2*time.Second || took > 30*time.Second {
		t.Errorf("gave up after %v, want about 2s", took)
	}
	if st := dpkgStatus(t, filepath.Join(c.Root(), "var/lib/dpkg"), "postfix"); strings.HasSuffix(st, "installed") {
		t.Error("postfix got installed")
	}
	t.Logf("locked out after %v: %v", took.Round(time.Millisecond), err)
}

// changedSince lists the files under root modified since t0, but for
// the kernel's file systems.
func changedSince(t *testing.T, root string, t0 time.Time) []string {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch rel, _ := filepath.Rel(root, path); rel {
		case "dev", "proc", "sys", "run":
			return filepath.SkipDir
		}
		if fi, err := d.Info(); err == nil && fi.ModTime().After(t0) {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mountsUnder(t *testing.T, dir string) []string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir) {
			out = append(out, f[4])
		}
	}
	return out
}

// processesIn lists processes whose root directory is dir.
func processesIn(dir string) []string {
	links, _ := filepath.Glob("/proc/[0-9]*/root")
	var out []string
	for _, l := range links {
		if target, err := os.Readlink(l); err == nil && target == dir {
			out = append(out, l)
		}
	}
	return out
}

// planUnderPackage plans, before postfix is installed, a file in
// /etc/postfix that depends on the package, and one in a directory
// nothing creates: the first is fine, from the file list of the archive
// apt downloaded (postfix_*.deb, in the root's apt cache), or may be when
// the archive is not there; the second fails in the plan, naming the
// directory and the declaration.
func planUnderPackage(t *testing.T, env resources.Env, answers map[string]string) {
	t.Helper()
	nodes := func() []engine.Node {
		file := func(p string) resources.Resource {
			r, err := files.Kind().New(kindtest.Config(t, files.Schema, env, map[string]cty.Value{"path": cty.StringVal(p), "content": cty.StringVal("x\n")}))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		return []engine.Node{
			{Addr: "package.postfix", Resource: bind(t, debian.Kind(), "postfix", attrs{"name": "postfix", "debconf": answers}, env)},
			{Addr: "file.extra_cf", Resource: file("/etc/postfix/extra.cf"), Declared: "nodes/mx.hcl:4"},
			{Addr: "file.nowhere", Resource: file("/etc/nowhere/x.conf"), Declared: "nodes/mx.hcl:9"},
		}
	}
	g := graph.New(3)
	g.AddEdge(0, 1, "depends_on")
	res := engine.Plan(context.Background(), nodes(), g, engine.Options{})
	extra, nowhere := res.Outcomes[1], res.Outcomes[2]
	if !regexp.MustCompile(`^file does not exist; /etc/postfix: created by package\.postfix \(postfix_\S+_amd64\.deb ships it\)$`).MatchString(extra.Change.Reason) || extra.Err != "" {
		t.Errorf("a file in /etc/postfix before postfix is installed: %s %q %s", extra.Status, extra.Change.Reason, extra.Err)
	}
	if nowhere.Status != engine.Failed || !strings.Contains(nowhere.Err, "directory /etc/nowhere does not exist under the root, and nothing file.nowhere depends on creates it") ||
		!strings.Contains(nowhere.Err, "declared at nodes/mx.hcl:9") {
		t.Errorf("a file in a directory nothing creates: %s %q", nowhere.Status, nowhere.Err)
	}

	debs, _ := filepath.Glob(filepath.Join(env.Root, "var/cache/apt/archives/postfix_*.deb"))
	if len(debs) != 1 {
		t.Fatalf("postfix's archive in the root's apt cache: %v", debs)
	}
	aside := filepath.Join(t.TempDir(), filepath.Base(debs[0]))
	if err := os.Rename(debs[0], aside); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Rename(aside, debs[0]); err != nil {
			t.Fatal(err)
		}
	}()
	extra = engine.Plan(context.Background(), nodes(), g, engine.Options{}).Outcomes[1]
	if want := "file does not exist; /etc/postfix: package.postfix may create it (the file list of postfix is known once it is downloaded: apt-get install --download-only postfix)"; extra.Change.Reason != want || extra.Err != "" {
		t.Errorf("with the archive not downloaded: %s %q %s, want reason %q", extra.Status, extra.Change.Reason, extra.Err, want)
	}
}
