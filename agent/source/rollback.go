package source

import (
	"context"
	"errors"
	"os/exec"
)

// CheckRollback refuses, with a *RollbackError, a commit that is not the
// last applied one or a descendant of it, unless the Config allows
// rollbacks. With nothing applied yet every commit is accepted.
func (s *Source) CheckRollback(ctx context.Context, commit string) error {
	st, ok, err := s.readState()
	if err != nil || !ok || s.cfg.AllowRollback || commit == st.Commit {
		return err
	}
	forward, err := s.isAncestor(ctx, st.Commit, commit)
	if err != nil {
		return err
	}
	if forward {
		return nil
	}
	back, err := s.isAncestor(ctx, commit, st.Commit)
	if err != nil {
		return err
	}
	return &RollbackError{Commit: commit, Applied: st.Commit, Rewritten: !back}
}

// isAncestor asks git whether a is an ancestor of b. A commit the mirror
// does not have is no one's ancestor.
func (s *Source) isAncestor(ctx context.Context, a, b string) (bool, error) {
	_, err := s.git(ctx, "merge-base", "--is-ancestor", a, b)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && (exit.ExitCode() == 1 || exit.ExitCode() == 128):
		return false, nil
	}
	return false, err
}
