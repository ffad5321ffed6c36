package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// exampleRepo is the example node repository, relative to this package.
const exampleRepo = "../../testfixtures/example"

// nodePackages lists the packages node of the example installs: exactly
// the set whose .debs the container gets.
func nodePackages(t *testing.T, node string) []string {
	t.Helper()
	cat, err := scratchroot.Load(exampleRepo, node, t.TempDir(), nil)
	if err != nil {
		t.Fatalf("loading the example's %s node: %v", node, err)
	}
	return scratchroot.Packages(cat)
}

// git runs git in dir on this machine, with a fixed identity.
func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	argv := append([]string{"-C", dir, "-c", "user.name=tend test", "-c", "user.email=test@localhost",
		"-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)
	if out, err := exec.Command("git", argv...).CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// cloneExample commits the example repository as it is in this checkout
// (without secrets/), plus overlay (file name => text appended), to a
// fresh git repository and clones that into the container's /srv/repo,
// so the host sees what an admin's clone would hold.
func (h *host) cloneExample(overlay map[string]string) string {
	src := filepath.Join(h.t.TempDir(), "example")
	if err := os.CopyFS(src, os.DirFS(exampleRepo)); err != nil {
		h.t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(src, "secrets")); err != nil {
		h.t.Fatal(err)
	}
	confineExample(h.t, src)
	for name, text := range overlay {
		f, err := os.OpenFile(filepath.Join(src, name), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			h.t.Fatal(err)
		}
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			h.t.Fatal(err)
		}
	}
	git(h.t, src, "init", "-q")
	git(h.t, src, "add", ".")
	git(h.t, src, "commit", "-q", "-m", "example node repository")
	dst := filepath.Join(h.c.Root(), "srv/repo")
	git(h.t, filepath.Dir(src), "clone", "-q", src, dst)
	return dst
}

// writeCertificates writes a throwaway certificate for each stem (a
// secrets/ file name) into the clone at repo, covering names.
func writeCertificates(t *testing.T, repo string, certs map[string][]string) {
	t.Helper()
	for stem, names := range certs {
		base := filepath.Join(repo, "secrets", stem)
		if err := scratchroot.WriteCertificate(base+".chain.pem", base+".key.pem", names); err != nil {
			t.Fatal(err)
		}
	}
}

// encryptedData returns a data file line setting name to plain encrypted
// to recipient, made by `tend encrypt` on this machine.
func encryptedData(t *testing.T, recipient, name, plain string) string {
	t.Helper()
	cmd := exec.Command(tendBinary(t), "encrypt", "-r", recipient, "--name", name)
	cmd.Stdin = strings.NewReader(plain)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tend encrypt: %v", err)
	}
	return string(out)
}

// mainPIDs returns the main PID of each unit, joined for comparison.
func (h *host) mainPIDs(units ...string) string {
	var pids []string
	for _, u := range units {
		pid := h.sh("systemctl show -p MainPID --value " + u)
		if u == "postfix" {
			// postfix@-.service names no PID file: the master writes its own.
			pid = h.sh("cat /var/spool/postfix/pid/master.pid")
		}
		if pid == "" || pid == "0" {
			h.t.Fatalf("%s has no main process:\n%s", u, h.c.Journal(h.t, u))
		}
		pids = append(pids, u+"="+pid)
	}
	return strings.Join(pids, " ")
}

// kindTimings summarises the latest run's report: seconds per resource
// kind, for the test's log.
func (h *host) kindTimings() string {
	h.t.Helper()
	var r struct {
		Kinds map[string]struct {
			Resources int     `json:"resources"`
			Seconds   float64 `json:"seconds"`
		} `json:"kinds"`
	}
	text := h.sh("cat \"$(ls -t /var/lib/tend/reports/*.json | head -1)\"")
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		h.t.Fatalf("report: %v", err)
	}
	var parts []string
	for kind, k := range r.Kinds {
		parts = append(parts, fmt.Sprintf("%s %d in %.1fs", kind, k.Resources, k.Seconds))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// randomPassword returns a fresh password for one test run.
func randomPassword(t *testing.T) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// confinedData is what every test adds to the example's node data: the
// container's own resolver (the DNS stub, when a test starts it) instead
// of the documented ones, so nothing is ever pointed at them.
const confinedData = "\n# test only: the container's own resolver\nresolvers = [\"127.0.0.1\"]\n"

// confineExample appends confinedData to each node's data file of the
// example copy in dir.
func confineExample(t *testing.T, dir string) {
	t.Helper()
	for _, node := range []string{"email", "emailout"} {
		p := filepath.Join(dir, "data/nodes", node+".hcl")
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteString(confinedData)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
