package debian_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/run"
	tendconfig "github.com/tendhq/tend/config"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/providers/debian"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/testfixtures/container"
)

// TestSourceInRoot converges a Debian 11 container's root file system, as
// `tend apply --root` does, with an APT source served from a repository
// inside it (file:///srv/repo, signed by a key made for the test, pinned
// to 990) and a package only that repository has: one run adds the source
// and installs the package with one apt-get update and one apt-get
// install; the next run changes nothing and runs no apt command. Then the
// key is rotated (rotatedInRoot), and a source whose key did not sign its
// repository is added: its package fails with apt's complaint about that
// source and nothing is installed.
func TestSourceInRoot(t *testing.T) {
	skipShort(t)
	c := container.New(t, container.Options{})
	root := c.Root()
	// The repository below is the root's only source: nothing reaches
	// for the network, and apt-get update reads only what the test made.
	if err := os.WriteFile(filepath.Join(root, "etc/apt/sources.list"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	signer := newSigner(t, "repo@tend.test")
	publishRepo(t, filepath.Join(root, "srv/repo"), "pool", signer, "tend-hello", "tend-extra")
	repo := nodeRepo(t, map[string]string{"keys/local.asc": signer.publicKey(t)})
	env := resources.Env{Root: root, StateDir: filepath.Join(t.TempDir(), "state")}

	writeNode(t, repo, localNode)
	cmds := debian.RecordCommands(t)
	res, took := applyNode(t, repo, env)
	t.Logf("first run: %v", took)
	for _, o := range res.Outcomes {
		if o.Status != engine.Changed {
			t.Fatalf("%s: %s %+v %s\n%s", o.Addr, o.Status, o.Change, o.Err, o.Output)
		}
		t.Logf("%s: %s", o.Addr, o.Change.Reason)
	}
	if cmds.Count("apt-get", "update") != 1 || cmds.Count("apt-get", "install", "-y", "tend-hello") != 1 || cmds.Count("apt-get", "install", "-y") != 1 {
		t.Errorf("want one apt-get update and one apt-get install:\n%s", cmds)
	}
	if st := dpkgStatus(t, filepath.Join(root, "var/lib/dpkg"), "tend-hello"); st != "install ok installed" {
		t.Errorf("tend-hello in the root: %q", st)
	}
	checkStaleRecord(t, env, "")
	// apt reads the pin as written.
	if out, err := exec.Command("chroot", root, "apt-cache", "policy", "tend-hello").CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "990 file:/srv/repo ./ Packages") {
		t.Errorf("apt-cache policy tend-hello in the root: %v\n%s", err, out)
	}

	cmds = debian.RecordCommands(t)
	res, took = applyNode(t, repo, env)
	t.Logf("second run: %v", took)
	for _, o := range res.Outcomes {
		if o.Status != engine.Unchanged {
			t.Errorf("second run: %s: %s %+v %s", o.Addr, o.Status, o.Change, o.Err)
		}
	}
	if n := cmds.Count("apt-get"); n != 0 {
		t.Errorf("the second run ran apt-get %d times:\n%s", n, cmds)
	}
	rotatedInRoot(t, repo, env)
	wrongKeyInRoot(t, repo, env, signer)
}

// rotatedInRoot republishes the repository signed by a new key, its
// packages in another directory, and gives the source the new key in a
// run that changes no package: the record of stale lists stays. The next
// run installs another package of the repository, which apt's lists
// still know at its old place: only the record makes the transaction
// refresh them first, and the install then fetches it from the new one.
func rotatedInRoot(t *testing.T, repo string, env resources.Env) {
	t.Helper()
	dir := filepath.Join(env.Root, "srv/repo")
	if err := os.RemoveAll(filepath.Join(dir, "pool")); err != nil {
		t.Fatal(err)
	}
	rotated := newSigner(t, "rotated@tend.test")
	publishRepo(t, dir, "pool2", rotated, "tend-hello", "tend-extra")
	writeFile(t, filepath.Join(repo, "keys/local.asc"), rotated.publicKey(t))
	cmds := debian.RecordCommands(t)
	res, took := applyNode(t, repo, env)
	t.Logf("run with the key rotated: %v", took)
	wantStatus(t, res, "apt_source.local")
	if n := cmds.Count("apt-get"); n != 0 {
		t.Errorf("a run that changes no package ran apt-get %d times:\n%s", n, cmds)
	}
	checkStaleRecord(t, env, "local")

	writeNode(t, repo, localNode+extraNode)
	cmds = debian.RecordCommands(t)
	res, took = applyNode(t, repo, env)
	t.Logf("next run, installing tend-extra: %v", took)
	o := wantStatus(t, res, "package.extra")
	if !strings.Contains(o.Change.Reason, "APT sources changed since the package lists were refreshed (local): apt-get update will run first") {
		t.Errorf("package.extra's plan does not say the lists are refreshed for the changed source: %q", o.Change.Reason)
	}
	if cmds.Count("apt-get", "update") != 1 || cmds.Count("apt-get", "install", "-y", "tend-extra") != 1 {
		t.Errorf("want one apt-get update and one apt-get install:\n%s", cmds)
	}
	if st := dpkgStatus(t, filepath.Join(env.Root, "var/lib/dpkg"), "tend-extra"); st != "install ok installed" {
		t.Errorf("tend-extra in the root: %q", st)
	}
	checkStaleRecord(t, env, "")
}

// wantStatus wants the resource changed and every other one unchanged,
// and returns its outcome.
func wantStatus(t *testing.T, res engine.Result, changed string) engine.Outcome {
	t.Helper()
	var out engine.Outcome
	for _, o := range res.Outcomes {
		want := engine.Unchanged
		if o.Addr == changed {
			want, out = engine.Changed, o
		}
		if o.Status != want {
			t.Errorf("%s: %s, want %s: %+v %s\n%s", o.Addr, o.Status, want, o.Change, o.Err, o.Output)
		}
		t.Logf("%s: %s", o.Addr, o.Change.Reason)
	}
	return out
}

// checkStaleRecord wants the record of stale lists to name sources, or
// not to exist when sources is "".
func checkStaleRecord(t *testing.T, env resources.Env, sources string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env.StateDir, "apt-lists-stale"))
	switch {
	case sources == "" && !os.IsNotExist(err):
		t.Errorf("the record of stale lists outlived a successful apt-get update: %q %v", b, err)
	case sources != "" && (err != nil || strings.TrimSpace(string(b)) != sources):
		t.Errorf("the record of stale lists: %q %v, want %q", b, err, sources)
	}
}

// wrongKeyInRoot adds a second repository, signed by signer, but
// configured with another key.
func wrongKeyInRoot(t *testing.T, repo string, env resources.Env, signer *signer) {
	t.Helper()
	publishRepo(t, filepath.Join(env.Root, "srv/other"), "pool", signer, "tend-other")
	other := newSigner(t, "other@tend.test")
	writeFile(t, filepath.Join(repo, "keys/other.asc"), other.publicKey(t))
	writeNode(t, repo, localNode+extraNode+otherNode)
	cmds := debian.RecordCommands(t)
	res, took := applyNode(t, repo, env)
	t.Logf("run with a wrong key: %v", took)
	byAddr := map[string]engine.Outcome{}
	for _, o := range res.Outcomes {
		byAddr[o.Addr] = o
	}
	if o := byAddr["apt_source.other"]; o.Status != engine.Changed {
		t.Errorf("apt_source.other: %s %s", o.Status, o.Err)
	}
	o := byAddr["package.other"]
	t.Logf("package.other: %s", o.Err)
	if o.Status != engine.Failed || !strings.Contains(o.Err, "apt does not know tend-other, and refreshing the package lists failed") ||
		!strings.Contains(o.Err, "file:/srv/other") {
		t.Errorf("package.other: %s %q, want apt's refusal of file:/srv/other", o.Status, o.Err)
	}
	if st := dpkgStatus(t, filepath.Join(env.Root, "var/lib/dpkg"), "tend-other"); st != "" {
		t.Errorf("tend-other from a source its key did not sign: %q", st)
	}
	if cmds.Count("apt-get", "update") != 1 {
		t.Errorf("want one apt-get update:\n%s", cmds)
	}
	// The update failed: the lists stay stale until one succeeds.
	checkStaleRecord(t, env, "other")
}

// localNode adds the local repository and installs its package.
const localNode = `
  resource "apt_source" "local" {
    name   = "local"
    uris   = ["file:///srv/repo"]
    suites = ["./"]
    key    = file("keys/local.asc")

    pin_release  = "o=tend-test"
    pin_priority = 990
  }
  resource "package" "hello" {
    name = "tend-hello"
  }
`

// extraNode installs another package of the local repository.
const extraNode = `
  resource "package" "extra" {
    name = "tend-extra"
  }
`

// otherNode adds the other repository, with a key that did not sign it.
const otherNode = `
  resource "apt_source" "other" {
    name   = "other"
    format = "list"
    uris   = ["file:///srv/other"]
    suites = ["./"]
    key    = file("keys/other.asc")
  }
  resource "package" "other" {
    name = "tend-other"
  }
`

// applyNode loads node box from the repository with
// the built-in kinds and applies it, as `tend apply --root` does.
func applyNode(t *testing.T, repo string, env resources.Env) (engine.Result, time.Duration) {
	t.Helper()
	start := time.Now()
	res, _ := loadAndApply(t, repo, env)
	return res, time.Since(start)
}

// loadAndApply loads node box and applies it as tend apply does
// (agent/run), its report in env.StateDir.
func loadAndApply(t *testing.T, repo string, env resources.Env) (engine.Result, *tendconfig.Catalog) {
	t.Helper()
	r, diags := tendconfig.Open(tendconfig.Options{Repo: repo, Registry: providers.Builtin(), Env: env})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cat, diags := run.Load(context.Background(), r, "box")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	opts := run.ApplyOptions{Options: run.Options{Repo: repo, StateDir: env.StateDir, Parallel: 2, Warn: func(msg string) { t.Log(msg) }}, Root: env.Root}
	a, err := run.Apply(context.Background(), cat, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a.Result, cat
}

func nodeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	repo := t.TempDir()
	for p, content := range files {
		writeFile(t, filepath.Join(repo, p), content)
	}
	return repo
}

func writeNode(t *testing.T, repo, hcl string) {
	t.Helper()
	writeFile(t, filepath.Join(repo, "nodes/box.hcl"), "node \"box\" {"+hcl+"}\n")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// signer is an OpenPGP key made for one test, in a GNUPGHOME of its own.
type signer struct {
	home, uid string
}

func newSigner(t *testing.T, uid string) *signer {
	t.Helper()
	s := &signer{home: t.TempDir(), uid: uid}
	if err := os.Chmod(s.home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", s.home, "--kill", "all").Run() })
	s.gpg(t, "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never")
	return s
}

func (s *signer) gpg(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("gpg", append([]string{"--homedir", s.home, "--batch", "--yes", "--quiet", "--pinentry-mode", "loopback"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

func (s *signer) publicKey(t *testing.T) string { return s.gpg(t, "--armor", "--export", s.uid) }

// publishRepo makes a flat repository in dir holding the packages
// named, each at 1.0 (architecture all, no dependencies) in dir/pool,
// its Packages index and an InRelease signed by s.
func publishRepo(t *testing.T, dir, pool string, s *signer, names ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, pool), 0o755); err != nil {
		t.Fatal(err)
	}
	var packages strings.Builder
	for _, name := range names {
		packages.WriteString(buildDeb(t, dir, pool, name) + "\n")
	}
	writeFile(t, filepath.Join(dir, "Packages"), packages.String())
	release := fmt.Sprintf("Origin: tend-test\nLabel: tend-test\nDate: %s\nSHA256:\n %s %d Packages\n",
		time.Now().UTC().Add(-time.Hour).Format(time.RFC1123), sha256Hex([]byte(packages.String())), packages.Len())
	writeFile(t, filepath.Join(dir, "Release"), release)
	s.gpg(t, "--local-user", s.uid, "--clearsign", "--output", filepath.Join(dir, "InRelease"), filepath.Join(dir, "Release"))
	if err := os.Chmod(filepath.Join(dir, "InRelease"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildDeb builds package name 1.0 into dir/pool with dpkg-deb and
// returns its stanza of the Packages index.
func buildDeb(t *testing.T, dir, pool, name string) string {
	t.Helper()
	control := fmt.Sprintf("Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: tend tests <tests@tend.test>\n"+
		"Priority: optional\nSection: misc\nDescription: a package for tend's tests\n", name)
	build := t.TempDir()
	writeFile(t, filepath.Join(build, "DEBIAN/control"), control)
	writeFile(t, filepath.Join(build, "usr/share/"+name+"/hello"), "hello\n")
	deb := filepath.Join(pool, name+"_1.0_all.deb")
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "-Zxz", "--build", build, filepath.Join(dir, deb)).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, deb))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%sFilename: ./%s\nSize: %d\nSHA256: %s\n", control, deb, len(b), sha256Hex(b))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
