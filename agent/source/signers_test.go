package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSigners(t *testing.T) {
	file := "# admins\n\n" + testKeys.sshAllowed + "\n" +
		`ops@tend.test namespaces="git" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl` + "\n" +
		testKeys.pgpArmor
	s, err := ParseSigners("signers", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.SSH) != 2 || len(s.OpenPGP) != 1 || s.OpenPGP[0] != testKeys.pgpArmor {
		t.Errorf("parsed %d SSH, %d OpenPGP keys: %+v", len(s.SSH), len(s.OpenPGP), s)
	}
	for _, tc := range []struct{ text, want string }{
		{"alice@tend.test\n", "f:1: neither an armored OpenPGP public key nor an SSH allowed-signers line"},
		{"# x\nssh-ed25519 AAAA\n", "f:2: neither"},
		{"\n" + pgpBegin + "\nabc\n", "f:2: OpenPGP key block without its " + pgpEnd},
	} {
		if _, err := ParseSigners("f", []byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestLoadSignersFromDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("alice.asc", testKeys.pgpArmor)
	write("allowed_signers", testKeys.sshAllowed+"\n")
	write(".hidden", "not a key\n")
	s, err := LoadSigners(dir)
	if err != nil || len(s.OpenPGP) != 1 || len(s.SSH) != 1 {
		t.Fatalf("LoadSigners = %+v, %v", s, err)
	}
	if _, err := LoadSigners(filepath.Join(dir, "nope")); err == nil {
		t.Error("a missing allowlist loaded")
	}
}

func TestBrokenOpenPGPKeyFailsOpen(t *testing.T) {
	broken := pgpBegin + "\n\nbm90IGEga2V5\n=AAAA\n" + pgpEnd + "\n"
	_, err := Open(t.Context(), Config{URL: "/nowhere", Dir: t.TempDir(), Signers: Signers{OpenPGP: []string{broken}}})
	if err == nil || !strings.Contains(err.Error(), "OpenPGP key 1 of 1 was not imported") {
		t.Errorf("Open = %v", err)
	}
}
