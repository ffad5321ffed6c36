package source

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// gpgConf keeps gpg from starting an agent (verifying needs none) and
// from asking about trust: the keyring holds only allowlisted keys.
const gpgConf = "no-autostart\ntrust-model always\n"

// importKeys builds the private keyring and allowed-signers file from
// the allowlist.
func (s *Source) importKeys(ctx context.Context) error {
	gnupg := filepath.Join(s.private, "gnupg")
	if err := os.WriteFile(filepath.Join(gnupg, "gpg.conf"), []byte(gpgConf), 0o600); err != nil {
		return err
	}
	for i, key := range s.cfg.Signers.OpenPGP {
		// Judged by its status lines: gpg may fail the exit code merely
		// because it found no agent to ask about secret keys.
		out, _, err := s.run(ctx, call{name: "gpg", args: []string{"--batch", "--quiet", "--status-fd", "1", "--import"}, stdin: strings.NewReader(key)})
		if gpgStatus(out)["IMPORT_OK"] == nil {
			return fmt.Errorf("signers: OpenPGP key %d of %d was not imported: %v", i+1, len(s.cfg.Signers.OpenPGP), err)
		}
	}
	s.pgp = map[string]bool{}
	if len(s.cfg.Signers.OpenPGP) > 0 {
		out, _, err := s.run(ctx, call{name: "gpg", args: []string{"--batch", "--with-colons", "--fingerprint", "--list-keys"}})
		if err != nil {
			return fmt.Errorf("signers: %w", err)
		}
		for _, fpr := range primaryFingerprints(out) {
			s.pgp[fpr] = true
		}
	}
	allowed := strings.Join(s.cfg.Signers.SSH, "\n") + "\n"
	return os.WriteFile(s.allowedSigners(), []byte(allowed), 0o600)
}

func (s *Source) allowedSigners() string { return filepath.Join(s.private, "allowed_signers") }

// primaryFingerprints reads the fpr record that follows each pub record
// of gpg's --with-colons listing.
func primaryFingerprints(listing []byte) []string {
	var fprs []string
	afterPub := false
	sc := bufio.NewScanner(bytes.NewReader(listing))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		switch {
		case f[0] == "pub":
			afterPub = true
		case f[0] == "fpr" && afterPub && len(f) > 9:
			fprs = append(fprs, f[9])
			afterPub = false
		case f[0] != "fpr":
			afterPub = false
		}
	}
	return fprs
}

// verifyOpenPGP has git verify the commit with the private keyring and
// reads gpg's status lines rather than trusting the exit code alone.
func (s *Source) verifyOpenPGP(ctx context.Context, commit string) (Signer, error) {
	_, stderr, runErr := s.run(ctx, call{name: "git", args: []string{"--git-dir", s.mirror, "verify-commit", "--raw", commit}})
	st := gpgStatus(stderr)
	refuse := func(p Problem, detail string) (Signer, error) {
		return Signer{}, &SignatureError{Commit: commit, Problem: p, Detail: detail}
	}
	switch {
	case st["ERRSIG"] != nil && st["NO_PUBKEY"] != nil:
		return refuse(UnknownKey, "OpenPGP key "+first(st["NO_PUBKEY"]))
	case st["BADSIG"] != nil:
		return refuse(BadSignature, "OpenPGP key "+first(st["BADSIG"]))
	case st["EXPKEYSIG"] != nil:
		return refuse(BadSignature, "OpenPGP key "+first(st["EXPKEYSIG"])+" has expired")
	case st["REVKEYSIG"] != nil:
		return refuse(BadSignature, "OpenPGP key "+first(st["REVKEYSIG"])+" is revoked")
	case st["EXPSIG"] != nil:
		return refuse(BadSignature, "the signature has expired")
	case len(st["GOODSIG"]) == 0 || len(st["VALIDSIG"]) < 10 || runErr != nil:
		detail := "gpg did not report a good signature"
		if runErr != nil {
			detail = runErr.Error()
		}
		return refuse(BadSignature, detail)
	}
	fpr := st["VALIDSIG"][9]
	if !s.pgp[fpr] {
		return refuse(UnknownKey, "OpenPGP key "+fpr)
	}
	return Signer{Kind: "openpgp", Fingerprint: fpr, Name: strings.Join(st["GOODSIG"][1:], " ")}, nil
}

// gpgStatus maps each "[GNUPG:] KEYWORD args..." line to its arguments.
func gpgStatus(out []byte) map[string][]string {
	st := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "[GNUPG:] ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) > 0 {
			st[f[0]] = append([]string{}, f[1:]...)
		}
	}
	return st
}

func first(args []string) string {
	if len(args) == 0 {
		return "(no id)"
	}
	return args[0]
}
