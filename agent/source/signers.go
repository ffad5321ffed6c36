package source

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Signers is the allowlist of keys whose commits may be applied.
type Signers struct {
	// OpenPGP holds ASCII-armored public key blocks; every key in a
	// block (and its signing subkeys) is allowed.
	OpenPGP []string
	// SSH holds allowed-signers lines, as ssh-keygen(1) and git's
	// gpg.ssh.allowedSignersFile read them:
	// "principal[,principal...] [options] key-type base64-key [comment]".
	SSH []string
}

const (
	pgpBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	pgpEnd   = "-----END PGP PUBLIC KEY BLOCK-----"
)

// LoadSigners reads an allowlist from a file, or from every regular file
// of a directory whose name does not begin with a dot, in name order.
// Each file may hold armored OpenPGP public key blocks and SSH
// allowed-signers lines, in any mix; blank lines and lines beginning with
// '#' outside the key blocks are ignored.
func LoadSigners(path string) (Signers, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Signers{}, fmt.Errorf("signers: %w", err)
	}
	files := []string{path}
	if fi.IsDir() {
		if files, err = signerFiles(path); err != nil {
			return Signers{}, err
		}
	}
	var all Signers
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return Signers{}, fmt.Errorf("signers: %w", err)
		}
		s, err := ParseSigners(f, data)
		if err != nil {
			return Signers{}, err
		}
		all.OpenPGP = append(all.OpenPGP, s.OpenPGP...)
		all.SSH = append(all.SSH, s.SSH...)
	}
	return all, nil
}

func signerFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("signers: %w", err)
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

// ParseSigners reads one allowlist file; name is used in errors, which
// say file:line.
func ParseSigners(name string, data []byte) (Signers, error) {
	var s Signers
	var block []string
	start := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case block != nil:
			block = append(block, line)
			if line == pgpEnd {
				s.OpenPGP = append(s.OpenPGP, strings.Join(block, "\n")+"\n")
				block = nil
			}
		case line == pgpBegin:
			block, start = []string{line}, n
		case line == "" || strings.HasPrefix(line, "#"):
		case isSSHSigner(line):
			s.SSH = append(s.SSH, line)
		default:
			return Signers{}, fmt.Errorf("%s:%d: neither an armored OpenPGP public key nor an SSH allowed-signers line (principal key-type key)", name, n)
		}
	}
	if err := sc.Err(); err != nil {
		return Signers{}, fmt.Errorf("%s: %w", name, err)
	}
	if block != nil {
		return Signers{}, fmt.Errorf("%s:%d: OpenPGP key block without its %s line", name, start, pgpEnd)
	}
	return s, nil
}

// isSSHSigner checks the shape of an allowed-signers line: principals,
// then (after any options) a key type and its base64 key.
func isSSHSigner(line string) bool {
	f := strings.Fields(line)
	for i := 1; i+1 < len(f); i++ {
		if isSSHKeyType(f[i]) {
			return true
		}
	}
	return false
}

func isSSHKeyType(s string) bool {
	for _, p := range []string{"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
