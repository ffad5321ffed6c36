package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Source is one node repository and its cache. Only one Source may use a
// cache directory at a time (the agent's run lock sees to that).
type Source struct {
	cfg     Config
	mirror  string // bare repository the remote is fetched into
	private string // HOME, keyring and allowed-signers file of the calls
	env     []string
	pgp     map[string]bool // fingerprints of the allowed OpenPGP keys
}

// Open prepares the cache directory and a private keyring holding
// exactly the allowlisted keys. Close removes the keyring.
func Open(ctx context.Context, cfg Config) (*Source, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := privateDir(cfg.Dir); err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, mirror: filepath.Join(cfg.Dir, "mirror.git"), private: filepath.Join(cfg.Dir, "private")}
	// Rebuilt on every Open, so a key taken off the allowlist is gone.
	if err := os.RemoveAll(s.private); err != nil {
		return nil, err
	}
	for _, d := range []string{s.private, filepath.Join(s.private, "home"), filepath.Join(s.private, "gnupg")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, err
		}
	}
	s.env = privateEnv(s.private)
	if err := s.importKeys(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close removes the private keyring and home directory.
func (s *Source) Close() error {
	return os.RemoveAll(s.private)
}

// URL is the repository the source fetches, made absolute when local.
func (s *Source) URL() string { return s.cfg.URL }

// Ref is the branch or tag the source follows.
func (s *Source) Ref() string { return s.cfg.Ref }

// privateDir creates dir (and its parents) and makes it root-only.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("source cache: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("source cache: %w", err)
	}
	return nil
}

// Fetch brings the remote's branches and tags into the mirror and returns
// the commit the ref names. Nothing of it is checked out. An error is an
// *UnreachableError when the remote could not be read, a *RefError when
// it has no such ref.
func (s *Source) Fetch(ctx context.Context) (string, error) {
	if err := s.fetchAll(ctx); err != nil {
		return "", err
	}
	return s.resolve(ctx)
}

// fetchAll brings the remote's branches and tags into the mirror,
// pruning those the remote no longer has.
func (s *Source) fetchAll(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(s.mirror, "HEAD")); err != nil {
		if _, _, err := s.run(ctx, call{name: "git", args: []string{"init", "--quiet", "--bare", s.mirror}}); err != nil {
			return fmt.Errorf("source cache: %w", err)
		}
	}
	_, err := s.git(ctx, "fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head", "--", s.cfg.URL,
		"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
	if err != nil {
		return &UnreachableError{URL: s.cfg.URL, Err: err}
	}
	return nil
}

// resolve finds the commit of the ref: a branch, else a tag (peeled).
func (s *Source) resolve(ctx context.Context) (string, error) {
	names := []string{"refs/heads/" + s.cfg.Ref, "refs/tags/" + s.cfg.Ref}
	if strings.HasPrefix(s.cfg.Ref, "refs/") {
		names = []string{s.cfg.Ref}
	}
	for _, n := range names {
		out, err := s.git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", n+"^{commit}")
		if err == nil {
			return strings.TrimSpace(string(out)), nil
		}
	}
	return "", &RefError{URL: s.cfg.URL, Ref: s.cfg.Ref}
}
