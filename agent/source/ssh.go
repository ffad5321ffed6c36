package source

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// sshNamespace is the namespace git signs commits in.
const sshNamespace = "git"

// verifySSH checks an SSH signature with ssh-keygen itself, on the payload
// git signed: git before 2.34 cannot verify SSH signatures, and this way
// every git verifies them the same. find-principals names the allowlist
// entry of the signing key; verify then checks the signature with it.
func (s *Source) verifySSH(ctx context.Context, commit string, payload, sig []byte) (Signer, error) {
	refuse := func(p Problem, detail string) (Signer, error) {
		return Signer{}, &SignatureError{Commit: commit, Problem: p, Detail: detail}
	}
	if len(s.cfg.Signers.SSH) == 0 {
		return refuse(UnknownKey, "no SSH key is allowed")
	}
	sigFile := filepath.Join(s.private, "commit.sig")
	if err := os.WriteFile(sigFile, sig, 0o600); err != nil {
		return Signer{}, err
	}
	defer os.Remove(sigFile)
	out, _, err := s.run(ctx, call{name: "ssh-keygen", args: []string{"-Y", "find-principals", "-f", s.allowedSigners(), "-s", sigFile}})
	principal := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	if err != nil || principal == "" {
		return refuse(UnknownKey, "SSH key "+s.sshKeyOf(ctx, sigFile, payload))
	}
	out, _, err = s.run(ctx, call{name: "ssh-keygen",
		args:  []string{"-Y", "verify", "-f", s.allowedSigners(), "-I", principal, "-n", sshNamespace, "-s", sigFile},
		stdin: bytes.NewReader(payload)})
	if err != nil {
		return refuse(BadSignature, "SSH key of "+principal+": "+err.Error())
	}
	return Signer{Kind: "ssh", Fingerprint: sshFingerprint(out), Name: principal}, nil
}

var sshFpr = regexp.MustCompile(`key (SHA256:[A-Za-z0-9+/=]+)`)

// sshFingerprint takes the key's fingerprint from ssh-keygen's "Good
// "git" signature for P with ED25519 key SHA256:..." line.
func sshFingerprint(out []byte) string {
	if m := sshFpr.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return "(unknown fingerprint)"
}

// sshKeyOf names the key that made a signature that no allowlist entry
// matched: check-novalidate verifies the signature without an allowlist
// and prints the key's fingerprint.
func (s *Source) sshKeyOf(ctx context.Context, sigFile string, payload []byte) string {
	out, _, err := s.run(ctx, call{name: "ssh-keygen",
		args:  []string{"-Y", "check-novalidate", "-n", sshNamespace, "-s", sigFile},
		stdin: bytes.NewReader(payload)})
	if err != nil {
		return "(unknown: the signature does not verify either)"
	}
	return sshFingerprint(out)
}
