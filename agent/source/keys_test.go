package source

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// keys are real signing keys made once per test binary: an allowed and an
// unknown one of each kind.
type keys struct {
	dir           string
	gnupg         string // holds both OpenPGP secret keys
	pgp, otherPGP string // fingerprints
	pgpArmor      string // the allowed key, exported
	ssh, otherSSH string // private key files
	sshAllowed    string // allowed-signers line of the allowed key
}

var testKeys keys

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tend-source-keys-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = makeKeys(dir)
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, "making test keys:", err)
	}
	_ = exec.Command("gpgconf", "--homedir", filepath.Join(dir, "gnupg"), "--kill", "all").Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func makeKeys(dir string) error {
	k := keys{dir: dir, gnupg: filepath.Join(dir, "gnupg")}
	if err := os.Mkdir(k.gnupg, 0o700); err != nil {
		return err
	}
	var err error
	if k.pgp, err = genPGP(k.gnupg, "Alice Admin <alice@tend.test>"); err != nil {
		return err
	}
	if k.otherPGP, err = genPGP(k.gnupg, "Mallory <mallory@tend.test>"); err != nil {
		return err
	}
	out, err := exec.Command("gpg", "--homedir", k.gnupg, "--batch", "--armor", "--export", k.pgp).Output()
	if err != nil {
		return err
	}
	k.pgpArmor = string(out)
	k.ssh, k.otherSSH = filepath.Join(dir, "id_alice"), filepath.Join(dir, "id_mallory")
	for _, f := range []string{k.ssh, k.otherSSH} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", f).CombinedOutput(); err != nil {
			return fmt.Errorf("ssh-keygen: %v: %s", err, out)
		}
	}
	pub, err := os.ReadFile(k.ssh + ".pub")
	if err != nil {
		return err
	}
	k.sshAllowed = "alice@tend.test " + strings.TrimSpace(string(pub))
	testKeys = k
	return nil
}

func genPGP(home, uid string) (string, error) {
	gen := exec.Command("gpg", "--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never")
	if out, err := gen.CombinedOutput(); err != nil {
		return "", fmt.Errorf("gpg --quick-gen-key: %v: %s", err, out)
	}
	out, err := exec.Command("gpg", "--homedir", home, "--batch", "--with-colons", "--fingerprint", "--list-keys", uid).Output()
	if err != nil {
		return "", err
	}
	fprs := primaryFingerprints(out)
	if len(fprs) != 1 {
		return "", fmt.Errorf("want one key for %s, have %d", uid, len(fprs))
	}
	return fprs[0], nil
}

// allowed is the allowlist of the two allowed keys.
func allowed() Signers {
	return Signers{OpenPGP: []string{testKeys.pgpArmor}, SSH: []string{testKeys.sshAllowed}}
}
