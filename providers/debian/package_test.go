package debian_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/providers/debian"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/graph"
)

// These tests read the host's real dpkg database and ask its real apt to
// simulate; none of them changes the host. An absentPackage must be known
// to the host's apt lists and not installed.
const absentPackage = "opendkim"

func requireDpkg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Skip("no dpkg on this machine")
	}
}

func requireAbsent(t *testing.T, name string) {
	t.Helper()
	requireDpkg(t)
	if st := dpkgStatus(t, "/var/lib/dpkg", name); strings.HasSuffix(st, " installed") {
		t.Skipf("%s is installed on this machine", name)
	}
	if !aptKnows(name) {
		t.Skipf("the apt lists of this machine do not know %s", name)
	}
}

func installedVersion(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", name).Output()
	if err != nil {
		t.Fatalf("dpkg-query %s: %v", name, err)
	}
	return string(out)
}

func TestInstalledPackagesAreNoOp(t *testing.T) {
	requireDpkg(t)
	k := debian.Kind()
	v := installedVersion(t, "coreutils")
	for name, a := range map[string]attrs{
		"dpkg":      {"name": "dpkg"},
		"coreutils": {"name": "coreutils", "version": v},
		"qualified": {"name": "libc6:" + hostArch(t)},
		"gone":      {"name": "tend-surely-not-a-package", "ensure": "absent"},
	} {
		c := plan(t, bind(t, k, name, a, resources.Env{}))
		if c.Action != resources.NoOp {
			t.Errorf("%s: %+v, want no-op", name, c)
		}
	}
	c := plan(t, bind(t, k, "vreason", attrs{"name": "coreutils"}, resources.Env{}))
	wantAction(t, c, resources.NoOp, "installed ("+v+")")
}

func hostArch(t *testing.T) string {
	out, err := exec.Command("dpkg", "--print-architecture").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func TestPlanInstallTellsDependencies(t *testing.T) {
	requireAbsent(t, absentPackage)
	cmds := debian.RecordCommands(t)
	r := bind(t, debian.Kind(), "dkim", attrs{"name": absentPackage}, resources.Env{})
	c := plan(t, r)
	wantAction(t, c, resources.Create, "not installed; apt would also install")
	v, ok := attr(c, "version")
	if !ok || v.New == "" || v.Old != "" {
		t.Errorf("version attr %+v, want the candidate version", v)
	}
	deps, ok := attr(c, "dependencies")
	if !ok || !strings.Contains(deps.New, "libopendkim11 (") || strings.Contains(deps.New, absentPackage+" (") {
		t.Errorf("dependencies %+v, want apt's list with libopendkim11 and without %s itself", deps, absentPackage)
	}
	if n := cmds.Count("apt-get", "-s", "Debug::NoLocking=1"); n != 1 {
		t.Errorf("%d simulations, want 1:\n%s", n, cmds)
	}
	if n := cmds.Count("update"); n != 0 {
		t.Errorf("plan ran apt-get update:\n%s", cmds)
	}
}

func TestPlanUnknownPackageRefreshesListsOnlyInApply(t *testing.T) {
	requireDpkg(t)
	cmds := debian.RecordCommands(t)
	k := debian.Kind()
	unknown := bind(t, k, "unknown", attrs{"name": "tend-surely-not-a-package"}, resources.Env{})
	oldVersion := bind(t, k, "old", attrs{"name": "coreutils", "version": "0.1-tend"}, resources.Env{})
	c := plan(t, unknown)
	wantAction(t, c, resources.Create, "the package lists do not know tend-surely-not-a-package: apt-get update will run first")
	c = plan(t, oldVersion)
	wantAction(t, c, resources.Update, "installed version "+installedVersion(t, "coreutils")+" is not 0.1-tend; "+
		"the package lists do not know coreutils 0.1-tend: apt-get update will run first")
	if n := cmds.Count("update"); n != 0 {
		t.Errorf("plan ran apt-get update:\n%s", cmds)
	}
	// Both unknowns are set aside by name, then nothing is left to simulate.
	if n := cmds.Count("apt-get", "-s"); n != 1 {
		t.Errorf("%d simulations, want 1:\n%s", n, cmds)
	}
}

// The bench target: a no-op plan of 20 packages reads dpkg's database
// once, and asks apt nothing.
func TestOneQueryPerRun(t *testing.T) {
	requireDpkg(t)
	names := []string{"dpkg", "coreutils", "bash", "apt", "base-files", "debconf", "findutils", "grep", "gzip",
		"hostname", "login", "mawk", "ncurses-base", "passwd", "perl-base", "sed", "tar", "util-linux", "libc6", "tzdata"}
	k := debian.Kind()
	var nodes []engine.Node
	for i, n := range names {
		if dpkgStatus(t, "/var/lib/dpkg", n) != "install ok installed" {
			t.Skipf("%s is not installed here", n)
		}
		name := "p" + strconv.Itoa(i)
		nodes = append(nodes, engine.Node{Addr: "package." + name, Resource: bind(t, k, name, attrs{"name": n}, resources.Env{})})
	}
	cmds := debian.RecordCommands(t)
	start := time.Now()
	res := engine.Plan(context.Background(), nodes, graph.New(len(nodes)), engine.Options{Parallel: 8})
	took := time.Since(start)
	for _, o := range res.Outcomes {
		if o.Change.Action != resources.NoOp || o.Err != "" {
			t.Errorf("%s: %s %s", o.Addr, o.Change.Action, o.Err)
		}
	}
	if n := cmds.Count(); n != 1 || cmds.Count("dpkg-query") != 1 {
		t.Errorf("ran %d commands, want one dpkg-query:\n%s", n, cmds)
	}
	t.Logf("no-op plan of %d packages: %v", len(names), took)
	// A second walk over an unchanged database asks dpkg nothing.
	engine.Plan(context.Background(), nodes, graph.New(len(nodes)), engine.Options{Parallel: 8})
	if n := cmds.Count(); n != 1 {
		t.Errorf("second walk ran commands:\n%s", cmds)
	}
}

// A run with some packages to install simulates them all in one apt-get.
func TestOneSimulationPerRun(t *testing.T) {
	requireAbsent(t, absentPackage)
	k := debian.Kind()
	nodes := []engine.Node{
		{Addr: "package.a", Resource: bind(t, k, "a", attrs{"name": absentPackage}, resources.Env{})},
		{Addr: "package.b", Resource: bind(t, k, "b", attrs{"name": "tend-surely-not-a-package"}, resources.Env{})},
		{Addr: "package.c", Resource: bind(t, k, "c", attrs{"name": "coreutils"}, resources.Env{})},
	}
	cmds := debian.RecordCommands(t)
	res := engine.Plan(context.Background(), nodes, graph.New(len(nodes)), engine.Options{Parallel: 3})
	want := []resources.Action{resources.Create, resources.Create, resources.NoOp}
	for i, o := range res.Outcomes {
		if o.Change.Action != want[i] || o.Err != "" {
			t.Errorf("%s: %s (%s), want %s", o.Addr, o.Change.Action, o.Err, want[i])
		}
	}
	// One simulation of both, which sets the unknown one aside, then one
	// of the known one alone.
	if n := cmds.Count("apt-get", "-s"); n != 2 || cmds.Count("dpkg-query") != 1 {
		t.Errorf("commands:\n%s", cmds)
	}
	if d, _ := attr(res.Outcomes[0].Change, "dependencies"); !strings.Contains(d.New, "libopendkim11") {
		t.Errorf("dependencies %+v", d)
	}
}

// scratchRoot makes a root holding only a dpkg database.
func scratchRoot(t *testing.T, status string, journal bool) string {
	t.Helper()
	root := t.TempDir()
	admin := filepath.Join(root, "var/lib/dpkg")
	if err := os.MkdirAll(filepath.Join(admin, "updates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(admin, "status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	if journal {
		if err := os.WriteFile(filepath.Join(admin, "updates", "0001"), []byte(stanza("ok", "all", "1.0", "install ok installed")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func stanza(name, arch, version, status string) string {
	return "Package: " + name + "\nStatus: " + status + "\nMaintainer: tend tests <tests@invalid>\n" +
		"Architecture: " + arch + "\nVersion: " + version + "\nDescription: test\n\n"
}

func TestInterruptedDpkgIsReported(t *testing.T) {
	requireDpkg(t)
	base := stanza("dpkg", "amd64", "1.20.12", "install ok installed") + stanza("ok", "all", "1.0", "install ok installed")
	broken := base + stanza("half", "amd64", "1.0", "install reinstreq half-installed") +
		stanza("conf", "amd64", "2.0", "install ok half-configured") + stanza("gone", "amd64", "3.0", "deinstall ok config-files")
	env := resources.Env{Root: scratchRoot(t, broken, false)}
	k := debian.Kind()
	for name, want := range map[string]string{
		"half": "package half is half-installed and must be reinstalled",
		"conf": "package conf is half-configured (dpkg status \"install ok half-configured\"): a dpkg run was interrupted; run `chroot " + env.Root + " dpkg --configure -a`",
	} {
		_, err := bind(t, k, name, attrs{"name": name}, env).Read(context.Background())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Read error %v, want %q", name, err, want)
		}
	}
	wantAction(t, plan(t, bind(t, k, "ok", attrs{"name": "ok"}, env)), resources.NoOp, "installed (1.0)")
	_, err := planErr(bind(t, k, "gone", attrs{"name": "gone"}, env))
	if err == nil || !strings.Contains(err.Error(), "package gone cannot be changed: the dpkg database is not consistent: conf is half-configured") {
		t.Errorf("planning an install beside broken packages: %v", err)
	}

	env = resources.Env{Root: scratchRoot(t, base, true)}
	k = debian.Kind()
	wantAction(t, plan(t, bind(t, k, "ok", attrs{"name": "ok"}, env)), resources.NoOp, "")
	_, err = planErr(bind(t, k, "new", attrs{"name": "new"}, env))
	if err == nil || !strings.Contains(err.Error(), "dpkg was interrupted (its journal in /var/lib/dpkg/updates is not empty): run `chroot "+env.Root+" dpkg --configure -a`") {
		t.Errorf("planning an install with dpkg's journal pending: %v", err)
	}
}

func TestNoDpkgDatabase(t *testing.T) {
	requireDpkg(t)
	_, err := bind(t, debian.Kind(), "x", attrs{"name": "xx"}, resources.Env{Root: t.TempDir()}).Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no dpkg database at") {
		t.Errorf("Read on an empty root: %v", err)
	}
}

func TestVerifyQueriesAfresh(t *testing.T) {
	requireDpkg(t)
	root := scratchRoot(t, stanza("dpkg", "amd64", "1.20.12", "install ok installed"), false)
	env := resources.Env{Root: root}
	r := bind(t, debian.Kind(), "p", attrs{"name": "px", "version": "2.0"}, env)
	if st, err := r.Read(context.Background()); err != nil || st["status"] != "unknown ok not-installed" {
		t.Fatalf("Read: %v, %v", st, err)
	}
	if err := r.Verify(context.Background()); err == nil || !strings.Contains(err.Error(), "package px is not installed") {
		t.Errorf("Verify before: %v", err)
	}
	status := stanza("dpkg", "amd64", "1.20.12", "install ok installed") + stanza("px", "amd64", "1.0", "install ok installed")
	if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(context.Background()); err == nil || !strings.Contains(err.Error(), "package px is at version 1.0") {
		t.Errorf("Verify at the wrong version: %v", err)
	}
	status = stanza("dpkg", "amd64", "1.20.12", "install ok installed") + stanza("px", "amd64", "2.0", "install ok installed")
	if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(context.Background()); err != nil {
		t.Errorf("Verify after: %v", err)
	}
}

func TestKind(t *testing.T) {
	k := debian.Kind()
	s := k.Schema()
	if s.Kind != "package" || s.Doc == "" {
		t.Errorf("schema %q doc %q", s.Kind, s.Doc)
	}
	for _, a := range s.Attrs {
		if a.Doc == "" {
			t.Errorf("attribute %s has no doc", a.Name)
		}
	}
	if a, ok := s.Attr("name"); !ok || !a.Required {
		t.Error("name is not required")
	}
	cfg := config(t, "x", attrs{"name": "postfix"}, resources.Env{})
	if id := fmt.Sprint(k.Identities(cfg)); id != "[package:postfix]" {
		t.Errorf("identity %q", id)
	}
	if n := k.Order(cfg); n != nil {
		t.Errorf("needs %v", n)
	}
	r := bind(t, k, "x", attrs{"name": "postfix"}, resources.Env{Root: "/srv/ct/"})
	if key := r.(resources.Batcher).BatchKey(); key != "apt:/srv/ct" {
		t.Errorf("batch key %q", key)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		a    attrs
		attr string
	}{
		"option as name":     {attrs{"name": "-oDebug=1"}, "name"},
		"upper case":         {attrs{"name": "Postfix"}, "name"},
		"version":            {attrs{"name": "postfix", "version": "latest"}, "version"},
		"version and absent": {attrs{"name": "postfix", "ensure": "absent", "version": "1.0"}, "version"},
		"ensure":             {attrs{"name": "postfix", "ensure": "purged"}, "ensure"},
		"lock timeout":       {attrs{"name": "postfix", "lock_timeout": -1}, "lock_timeout"},
		"debconf type":       {attrs{"name": "postfix", "debconf": map[string]string{"postfix/main_mailer_type": "No configuration"}}, "debconf"},
		"debconf question":   {attrs{"name": "postfix", "debconf": map[string]string{"mailer type": "select x"}}, "debconf"},
		"debconf boolean":    {attrs{"name": "postfix", "debconf": map[string]string{"a/b": "boolean yes"}}, "debconf"},
		"debconf newline":    {attrs{"name": "postfix", "debconf": map[string]string{"a/b": "string x\ny"}}, "debconf"},
		"debconf absent":     {attrs{"name": "postfix", "ensure": "absent", "debconf": map[string]string{"a/b": "string x"}}, "debconf"},
	} {
		_, err := debian.Kind().New(config(t, "x", tc.a, resources.Env{}))
		var ae *resources.AttrError
		if !errors.As(err, &ae) || ae.Attr != tc.attr {
			t.Errorf("%s: error %v, want one for attribute %s", name, err, tc.attr)
		}
	}
}

func TestDebconfAnswersInPlan(t *testing.T) {
	requireAbsent(t, absentPackage)
	a := attrs{"name": absentPackage, "debconf": map[string]string{
		"opendkim/socket":   "string inet:8891@localhost",
		"opendkim/password": "password hunter2",
	}}
	c := plan(t, bind(t, debian.Kind(), "dkim", a, resources.Env{}))
	if s, _ := attr(c, `debconf["opendkim/socket"]`); s.New != "string inet:8891@localhost" || s.Sensitive {
		t.Errorf("socket answer %+v", s)
	}
	if p, _ := attr(c, `debconf["opendkim/password"]`); p.New != resources.Masked || !p.Sensitive {
		t.Errorf("password answer %+v, want masked", p)
	}
	cfg := config(t, "dkim", a, resources.Env{})
	cfg.Sensitive["debconf"] = true
	r, err := debian.Kind().New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c = plan(t, r)
	for _, at := range c.Attrs {
		if strings.HasPrefix(at.Name, "debconf") && at.New != resources.Masked {
			t.Errorf("sensitive debconf map shows %+v", at)
		}
	}
}
