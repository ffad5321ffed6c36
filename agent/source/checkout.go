package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Checkout is a commit's files on disk.
type Checkout struct {
	Commit string
	// Dir holds the commit's files, and nothing else (no .git).
	Dir    string
	Signer Signer
}

func (s *Source) checkouts() string { return filepath.Join(s.cfg.Dir, "checkouts") }

// Checkout writes the files of a verified commit into a directory of its
// own under the cache (root-only), made under a temporary name and renamed
// when complete, so a killed run never leaves half a checkout under the
// commit's name. Checkouts other than this one and the last known good
// are removed.
func (s *Source) Checkout(ctx context.Context, v Verified) (Checkout, error) {
	if v.commit == "" {
		return Checkout{}, errors.New("checkout of an unverified commit")
	}
	co := Checkout{Commit: v.commit, Dir: filepath.Join(s.checkouts(), v.commit), Signer: v.signer}
	if err := s.writeCheckout(ctx, co); err != nil {
		return Checkout{}, err
	}
	keep := []string{co.Commit}
	if st, ok, _ := s.readState(); ok {
		keep = append(keep, st.Commit)
	}
	s.prune(keep...)
	return co, nil
}

func (s *Source) writeCheckout(ctx context.Context, co Checkout) error {
	if _, err := os.Stat(co.Dir); err == nil {
		return nil
	}
	if err := privateDir(s.checkouts()); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(s.checkouts(), ".new-")
	if err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	defer os.RemoveAll(tmp)
	index := filepath.Join(s.private, "index")
	defer os.Remove(index)
	_, _, err = s.run(ctx, call{name: "git", env: []string{"GIT_INDEX_FILE=" + index},
		args: []string{"--git-dir", s.mirror, "--work-tree", tmp, "read-tree", "--reset", "-u", co.Commit}})
	if err != nil {
		return fmt.Errorf("checkout of %s: %w", short(co.Commit), err)
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return err
	}
	if err := os.Rename(tmp, co.Dir); err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	return nil
}

// prune removes every checkout but the ones named, and leftovers of
// killed runs.
func (s *Source) prune(keep ...string) {
	entries, _ := os.ReadDir(s.checkouts())
	for _, e := range entries {
		name := e.Name()
		if !contains(keep, name) || strings.HasPrefix(name, ".") {
			os.RemoveAll(filepath.Join(s.checkouts(), name))
		}
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
