package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSignedByAllowedKeysIsCheckedOut(t *testing.T) {
	for _, tc := range []struct {
		name         string
		how          signing
		kind, signer string
	}{
		{"openpgp", byPGP, "openpgp", "Alice Admin <alice@tend.test>"},
		{"ssh", bySSH, "ssh", "alice@tend.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRemote(t)
			want := r.commit("nodes/a.hcl", "# a\n", tc.how)
			s := r.open(Config{Signers: allowed()})
			got, err := s.Fetch(t.Context())
			if err != nil || got != want {
				t.Fatalf("Fetch = %s, %v; want %s", got, err, want)
			}
			v, err := s.Verify(t.Context(), got)
			if err != nil {
				t.Fatal(err)
			}
			sig := v.Signer()
			if sig.Kind != tc.kind || sig.Name != tc.signer || sig.Fingerprint == "" {
				t.Errorf("signer = %+v, want a %s key of %s", sig, tc.kind, tc.signer)
			}
			if tc.kind == "openpgp" && sig.Fingerprint != testKeys.pgp {
				t.Errorf("fingerprint %s, want %s", sig.Fingerprint, testKeys.pgp)
			}
			co, err := s.Checkout(t.Context(), v)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(co.Dir, "nodes/a.hcl"))
			if err != nil || string(data) != "# a\n" {
				t.Errorf("checked out file = %q, %v", data, err)
			}
			if _, err := os.Stat(filepath.Join(co.Dir, ".git")); err == nil {
				t.Error("the checkout has a .git")
			}
			if fi, err := os.Stat(co.Dir); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("checkout directory mode %v, %v; want 0700", fi.Mode(), err)
			}
		})
	}
}

func TestRefusedCommitsAreNotCheckedOut(t *testing.T) {
	for _, tc := range []struct {
		name   string
		how    signing
		signer Signers
		want   Problem
		detail string
	}{
		{"unsigned", unsigned, allowed(), Unsigned, ""},
		{"unknown openpgp key", byOtherPGP, allowed(), UnknownKey, "OpenPGP key"},
		{"unknown ssh key", byOtherSSH, allowed(), UnknownKey, "SSH key SHA256:"},
		{"openpgp with only ssh allowed", byPGP, Signers{SSH: allowed().SSH}, UnknownKey, "OpenPGP key"},
		{"ssh with only openpgp allowed", bySSH, Signers{OpenPGP: allowed().OpenPGP}, UnknownKey, "no SSH key"},
		{"empty allowlist", byPGP, Signers{}, UnknownKey, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRemote(t)
			r.commit("nodes/a.hcl", "# a\n", tc.how)
			s := r.open(Config{Signers: tc.signer})
			commit, err := s.Fetch(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.Verify(t.Context(), commit)
			var se *SignatureError
			if !errors.As(err, &se) || se.Problem != tc.want || !strings.Contains(se.Detail, tc.detail) {
				t.Fatalf("Verify error = %v, want a %s SignatureError mentioning %q", err, tc.want, tc.detail)
			}
			if !strings.Contains(err.Error(), commit[:12]) {
				t.Errorf("error %q does not name the commit", err)
			}
			if _, err := s.Checkout(t.Context(), v); err == nil {
				t.Error("Checkout of a refused commit succeeded")
			}
			assertNoCheckouts(t, s)
		})
	}
}

func assertNoCheckouts(t *testing.T, s *Source) {
	t.Helper()
	entries, _ := os.ReadDir(s.checkouts())
	if len(entries) > 0 {
		t.Errorf("checkouts on disk: %v", entries)
	}
}

// TestTamperedCommitIsRefused re-hashes a signed commit with another
// message: the signature is a real one of the allowed key, for other bytes.
func TestTamperedCommitIsRefused(t *testing.T) {
	for _, how := range []signing{byPGP, bySSH} {
		r := newRemote(t)
		signed := r.commit("nodes/a.hcl", "# a\n", how)
		raw := r.git("cat-file", "commit", signed)
		forged := strings.Replace(raw, "change nodes/a.hcl", "something else", 1)
		if err := os.WriteFile(filepath.Join(r.dir, "forged"), []byte(forged+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		id := r.git("hash-object", "-t", "commit", "-w", "forged")
		r.git("update-ref", "refs/heads/main", id)
		s := r.open(Config{Signers: allowed()})
		commit, err := s.Fetch(t.Context())
		if err != nil || commit != id {
			t.Fatalf("Fetch = %s, %v; want %s", commit, err, id)
		}
		_, err = s.Verify(t.Context(), commit)
		var se *SignatureError
		if !errors.As(err, &se) || se.Problem != BadSignature {
			t.Errorf("signing %d: Verify error = %v, want a bad signature", how, err)
		}
	}
}

func TestRollback(t *testing.T) {
	r := newRemote(t)
	c1 := r.commit("nodes/a.hcl", "# 1\n", byPGP)
	c2 := r.commit("nodes/a.hcl", "# 2\n", bySSH)
	dir := filepath.Join(t.TempDir(), "source")
	s := r.open(Config{Signers: allowed(), Dir: dir})
	markGood(t, s, c2)
	r.git("update-ref", "refs/heads/main", c1)

	commit, err := s.Fetch(t.Context())
	if err != nil || commit != c1 {
		t.Fatalf("Fetch = %s, %v; want %s", commit, err, c1)
	}
	var re *RollbackError
	if err = s.CheckRollback(t.Context(), c1); !errors.As(err, &re) || re.Rewritten || re.Applied != c2 {
		t.Fatalf("CheckRollback = %v, want a rollback from %s", err, c2)
	}
	if !strings.Contains(err.Error(), "older than the last applied commit") {
		t.Errorf("error %q", err)
	}
	if err := s.CheckRollback(t.Context(), c2); err != nil {
		t.Errorf("the applied commit again: %v", err)
	}
	s.Close()
	allow := r.open(Config{Signers: allowed(), Dir: dir, AllowRollback: true})
	if err := allow.CheckRollback(t.Context(), c1); err != nil {
		t.Errorf("with AllowRollback: %v", err)
	}
	r.git("update-ref", "refs/heads/main", c2)
	c3 := r.commit("nodes/a.hcl", "# 3\n", byPGP)
	if _, err := allow.Fetch(t.Context()); err != nil {
		t.Fatal(err)
	}
	allow.Close()
	strict := r.open(Config{Signers: allowed(), Dir: dir})
	if err := strict.CheckRollback(t.Context(), c3); err != nil {
		t.Errorf("a descendant: %v", err)
	}
}

func TestHistoryRewriteIsRefused(t *testing.T) {
	r := newRemote(t)
	r.commit("nodes/a.hcl", "# 1\n", byPGP)
	c2 := r.commit("nodes/a.hcl", "# 2\n", byPGP)
	s := r.open(Config{Signers: allowed()})
	markGood(t, s, c2)
	r.git("reset", "--quiet", "--hard", "HEAD~1")
	rewritten := r.commit("nodes/a.hcl", "# 2, rewritten\n", byPGP)
	commit, err := s.Fetch(t.Context())
	if err != nil || commit != rewritten {
		t.Fatalf("Fetch = %s, %v", commit, err)
	}
	var re *RollbackError
	if err := s.CheckRollback(t.Context(), commit); !errors.As(err, &re) || !re.Rewritten {
		t.Fatalf("CheckRollback = %v, want history rewritten", err)
	}
	// The applied commit stays in the mirror though no branch names it.
	if _, err := s.git(t.Context(), "cat-file", "-e", c2); err != nil {
		t.Errorf("the last known good commit left the mirror: %v", err)
	}
}

// markGood fetches, verifies, checks out and records commit.
func markGood(t *testing.T, s *Source, commit string) Checkout {
	t.Helper()
	got, err := s.Fetch(t.Context())
	if err != nil || got != commit {
		t.Fatalf("Fetch = %s, %v; want %s", got, err, commit)
	}
	v, err := s.Verify(t.Context(), commit)
	if err != nil {
		t.Fatal(err)
	}
	co, err := s.Checkout(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkGood(t.Context(), co); err != nil {
		t.Fatal(err)
	}
	return co
}

func TestUnreachable(t *testing.T) {
	for _, url := range []string{
		filepath.Join(t.TempDir(), "no-such-repo"),
		"file:///nonexistent/repo.git",
		"ssh://git@127.0.0.1:1/repo.git", // nothing listens on port 1
	} {
		s := (&remote{t: t}).open(Config{URL: url, Signers: allowed(), Timeout: 20 * time.Second})
		_, err := s.Fetch(t.Context())
		var ue *UnreachableError
		if !errors.As(err, &ue) {
			t.Errorf("%s: Fetch error = %v, want an UnreachableError", url, err)
			continue
		}
		t.Log(err)
		if !strings.Contains(err.Error(), "unreachable") {
			t.Errorf("%s: %v", url, err)
		}
	}
}

func TestRefs(t *testing.T) {
	r := newRemote(t)
	c1 := r.commit("nodes/a.hcl", "# 1\n", byPGP)
	r.git("tag", "-a", "-m", "release", "v1")
	r.commit("nodes/a.hcl", "# 2\n", byPGP)
	s := r.open(Config{Ref: "v1", Signers: allowed()})
	if got, err := s.Fetch(t.Context()); err != nil || got != c1 {
		t.Errorf("tag v1: Fetch = %s, %v; want %s", got, err, c1)
	}
	s = r.open(Config{Ref: "production", Signers: allowed()})
	var re *RefError
	if _, err := s.Fetch(t.Context()); !errors.As(err, &re) {
		t.Errorf("missing ref: Fetch error = %v, want a RefError", err)
	}
	if _, err := Open(t.Context(), Config{URL: r.dir, Ref: "--upload-pack=evil", Dir: t.TempDir()}); err == nil {
		t.Error("a ref beginning with - was accepted")
	}
}

func TestLastKnownGood(t *testing.T) {
	r := newRemote(t)
	s := r.open(Config{Signers: allowed()})
	if _, ok, err := s.LastKnownGood(t.Context()); ok || err != nil {
		t.Fatalf("LastKnownGood before any = %v, %v", ok, err)
	}
	c1 := r.commit("nodes/a.hcl", "# 1\n", byPGP)
	good := markGood(t, s, c1)
	c2 := r.commit("nodes/a.hcl", "# 2\n", bySSH)
	markGood(t, s, c2)
	c3 := r.commit("nodes/a.hcl", "# 3\n", bySSH)
	if _, err := s.Fetch(t.Context()); err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(t.Context(), c3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Checkout(t.Context(), v); err != nil {
		t.Fatal(err)
	}
	// The current checkout and the last known good stay; c1's is gone.
	entries, _ := os.ReadDir(s.checkouts())
	if len(entries) != 2 {
		t.Errorf("checkouts: %v, want c2's and c3's", entries)
	}
	if _, err := os.Stat(good.Dir); err == nil {
		t.Error("the first checkout was kept")
	}
	lkg, ok, err := s.LastKnownGood(t.Context())
	if err != nil || !ok || lkg.Commit != c2 || lkg.Signer.Name != "alice@tend.test" {
		t.Fatalf("LastKnownGood = %+v, %v, %v; want %s", lkg, ok, err, c2)
	}
	// A lost checkout is made again.
	if err := os.RemoveAll(lkg.Dir); err != nil {
		t.Fatal(err)
	}
	again, ok, err := s.LastKnownGood(t.Context())
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if data, err := os.ReadFile(filepath.Join(again.Dir, "nodes/a.hcl")); err != nil || string(data) != "# 2\n" {
		t.Errorf("remade checkout: %q, %v", data, err)
	}
	if fi, err := os.Stat(s.statePath()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state file: %v, %v", fi.Mode(), err)
	}
}
