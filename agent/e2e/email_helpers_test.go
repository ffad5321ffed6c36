package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
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
// (without certs/ and secrets/), plus overlay (file name => text appended,
// to a new file when there is none), to a fresh git repository and
// clones that into the container's /srv/repo, so the host sees what an
// admin's clone would hold.
func (h *host) cloneExample(overlay map[string]string) string {
	src := filepath.Join(h.t.TempDir(), "example")
	copyExample(h.t, src, overlay)
	git(h.t, src, "init", "-q")
	git(h.t, src, "add", ".")
	git(h.t, src, "commit", "-q", "-m", "example node repository")
	dst := filepath.Join(h.c.Root(), "srv/repo")
	git(h.t, filepath.Dir(src), "clone", "-q", src, dst)
	return dst
}

// copyExample copies the example repository of this checkout to dst,
// without the certs/ and secrets/ a developer may have put there, and
// appends overlay's texts to its files (file name => text), creating
// those that do not exist.
func copyExample(t *testing.T, dst string, overlay map[string]string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(exampleRepo)); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"certs", "secrets"} {
		if err := os.RemoveAll(filepath.Join(dst, d)); err != nil {
			t.Fatal(err)
		}
	}
	confineExample(t, dst)
	for name, text := range overlay {
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		appendFile(t, p, text)
	}
}

// appendFile appends text to the file at p, creating it when missing.
func appendFile(t *testing.T, p, text string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// addOverlay appends text to what overlay appends to name.
func addOverlay(overlay map[string]string, name, text string) {
	overlay[name] += text
}

// certificates makes a throwaway certificate for each of node's
// tls_certificates (name => host name, which also names its files) and
// returns the overlay giving them as the example keeps them: each chain
// as certs/HOST.chain.pem, the keys in a tls_keys line of the node's data
// layer, encrypted to recipient. The node then no longer allows the
// snakeoil pair: a certificate not installed fails the run.
func certificates(t *testing.T, recipient, node string, certs map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	overlay := map[string]string{}
	keys := "\n# test only: the certificates' keys\ntls_keys = {\n"
	for _, name := range slices.Sorted(maps.Keys(certs)) {
		host := certs[name]
		chain, key := filepath.Join(dir, host+".chain.pem"), filepath.Join(dir, host+".key.pem")
		if err := scratchroot.WriteCertificate(chain, key, []string{host}); err != nil {
			t.Fatal(err)
		}
		overlay["certs/"+host+".chain.pem"] = readFile(t, chain)
		keys += encryptedData(t, recipient, name, readFile(t, key))
	}
	overlay["data/nodes/"+node+".hcl"] = keys + "}\nallow_snakeoil = false\n"
	return overlay
}

// dkimKeyData returns a data file text giving a fresh DKIM key,
// encrypted to recipient, and saying no key is to be generated; and the
// key, as the key file must then hold it.
func dkimKeyData(t *testing.T, recipient string) (string, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	return "\n# test only: the DKIM key\n" + encryptedData(t, recipient, "dkim_private_key", keyPEM) + "dkim_generate = false\n", keyPEM
}

// newIdentity makes an age identity on this machine, for a container to
// be given as /etc/tend/age-identity.txt: its file and its recipient.
func newIdentity(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "age-identity.txt")
	out, err := exec.Command(tendBinary(t), "identity", "--identity", path).Output()
	if err != nil {
		t.Fatalf("tend identity: %v", err)
	}
	return path, strings.TrimSpace(string(out))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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
		appendFile(t, filepath.Join(dir, "data/nodes", node+".hcl"), confinedData)
	}
}
