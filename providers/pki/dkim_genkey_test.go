package pki

import (
	"os/exec"
	"testing"
)

// TestDKIMAgainstOpendkimGenkey runs the real opendkim-genkey (Debian's
// opendkim-tools; skipped where it is not installed): its key is read and
// kept, its .txt parses and matches that key, and the .txt tend would
// write for the key is byte for byte the tool's.
func TestDKIMAgainstOpendkimGenkey(t *testing.T) {
	tool, err := exec.LookPath("opendkim-genkey")
	if err != nil {
		t.Skip("opendkim-genkey is not installed (apt-get install opendkim-tools)")
	}
	for _, bits := range []string{"2048", "3072"} {
		f := newDKIMFixture(t)
		out, err := exec.Command(tool, "-D", f.path("/etc/dkim"), "-b", bits, "-d", "example.org", "-s", "2015").CombinedOutput()
		if err != nil {
			t.Fatalf("opendkim-genkey: %v\n%s", err, out)
		}
		theirs := f.read("/etc/dkim/2015.txt")
		key, err := parseDKIMPrivateKey([]byte(f.read("/etc/dkim/2015.private")))
		if err != nil {
			t.Fatalf("%s-bit key of opendkim-genkey: %v", bits, err)
		}
		if got := dkimAlgorithmOf(key); got != "rsa-"+bits {
			t.Fatalf("key read as %s", got)
		}
		pub, _ := dkimPublicOf(key)
		if ours := string(formatDKIMRecord("2015", "example.org", pub.k, pub.p)); ours != theirs {
			t.Fatalf("tend's .txt\n%q\nopendkim-genkey's\n%q", ours, theirs)
		}
		keyBytes := f.read("/etc/dkim/2015.private")
		// Its 0600 .txt and root-owned key are brought in line; the key stays.
		f.converge(f.resource(nil))
		if f.read("/etc/dkim/2015.private") != keyBytes || f.read("/etc/dkim/2015.txt") != theirs {
			t.Fatal("a key made by opendkim-genkey was rewritten")
		}
		verifyWithTxt(t, f, "2015", "example.org")
	}
}
