package source

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Verified is a commit whose signature verified against the allowlist.
// Only Verify makes one, so only a verified commit can be checked out.
type Verified struct {
	commit string
	signer Signer
}

// Signer is the allowlisted key that signed it.
func (v Verified) Signer() Signer { return v.signer }

// Signer names the key that made a signature.
type Signer struct {
	// Kind is "openpgp" or "ssh".
	Kind string
	// Fingerprint is the OpenPGP primary key's fingerprint, or the SSH
	// key's SHA256 fingerprint.
	Fingerprint string
	// Name is the OpenPGP user id, or the SSH allowed-signers principal.
	Name string
}

func (s Signer) String() string {
	if s.Kind == "" {
		return ""
	}
	return fmt.Sprintf("%s key %s (%s)", map[string]string{"openpgp": "OpenPGP", "ssh": "SSH"}[s.Kind], s.Fingerprint, s.Name)
}

var commitID = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// Verify checks the commit's signature against the allowlist. An error is
// a *SignatureError when the commit is unsigned, signed by a key that is
// not allowed, or badly signed.
func (s *Source) Verify(ctx context.Context, commit string) (Verified, error) {
	if !commitID.MatchString(commit) {
		return Verified{}, fmt.Errorf("not a commit id: %q", commit)
	}
	raw, err := s.git(ctx, "cat-file", "commit", commit)
	if err != nil {
		return Verified{}, fmt.Errorf("reading commit %s: %w", short(commit), err)
	}
	sigHeader := "gpgsig"
	if len(commit) == 64 {
		sigHeader = "gpgsig-sha256"
	}
	payload, sig := splitSigned(raw, sigHeader)
	var signer Signer
	switch {
	case sig == nil:
		return Verified{}, &SignatureError{Commit: commit, Problem: Unsigned}
	case bytes.HasPrefix(sig, []byte("-----BEGIN PGP SIGNATURE-----")):
		signer, err = s.verifyOpenPGP(ctx, commit)
	case bytes.HasPrefix(sig, []byte("-----BEGIN SSH SIGNATURE-----")):
		signer, err = s.verifySSH(ctx, commit, payload, sig)
	default:
		err = &SignatureError{Commit: commit, Problem: BadSignature, Detail: "not an OpenPGP or SSH signature"}
	}
	if err != nil {
		return Verified{}, err
	}
	return Verified{commit: commit, signer: signer}, nil
}

// splitSigned separates a commit object into the payload that was signed
// (the object without its signature headers, as git computes it) and the
// signature of the object's own hash, nil when there is none.
func splitSigned(raw []byte, header string) (payload, sig []byte) {
	var pl, sg bytes.Buffer
	lines := bytes.SplitAfter(raw, []byte("\n"))
	inHeaders, inSig, skipping := true, false, false
	for _, l := range lines {
		if inHeaders && len(bytes.TrimRight(l, "\n")) == 0 {
			inHeaders = false
		}
		if inHeaders && bytes.HasPrefix(l, []byte(" ")) && skipping {
			if inSig {
				sg.Write(l[1:])
			}
			continue
		}
		skipping, inSig = false, false
		if inHeaders {
			name, rest, _ := strings.Cut(string(l), " ")
			if name == "gpgsig" || name == "gpgsig-sha256" {
				skipping, inSig = true, name == header
				if inSig {
					sg.WriteString(rest)
				}
				continue
			}
		}
		pl.Write(l)
	}
	if sg.Len() == 0 {
		return pl.Bytes(), nil
	}
	return pl.Bytes(), sg.Bytes()
}
