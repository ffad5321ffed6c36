package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
)

// appliedRef keeps the last known good commit in the mirror, so that a
// rewritten branch cannot take it away.
const appliedRef = "refs/tend/applied"

// state is the record of the last known good commit.
type state struct {
	Commit   string    `json:"commit"`
	Signer   Signer    `json:"signer"`
	Recorded time.Time `json:"recorded"`
}

func (s *Source) statePath() string { return filepath.Join(s.cfg.Dir, "last_known_good.json") }

func (s *Source) readState() (state, bool, error) {
	data, err := os.ReadFile(s.statePath())
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, false, nil
	}
	if err != nil {
		return state{}, false, err
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil || !commitID.MatchString(st.Commit) {
		return state{}, false, fmt.Errorf("%s is damaged; remove it to start afresh (the next commit is then accepted without a rollback check)", s.statePath())
	}
	return st, true, nil
}

// MarkGood records a checkout that validated and was applied as the last
// known good: the commit later ones must descend from, and the one
// LastKnownGood returns. Every other checkout is removed.
func (s *Source) MarkGood(ctx context.Context, co Checkout) error {
	if _, err := s.git(ctx, "update-ref", appliedRef, co.Commit); err != nil {
		return fmt.Errorf("recording the last known good commit: %w", err)
	}
	data, err := json.MarshalIndent(state{Commit: co.Commit, Signer: co.Signer, Recorded: time.Now().UTC()}, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(s.statePath(), append(data, '\n'), atomicfile.Options{Mode: 0o600}); err != nil {
		return fmt.Errorf("recording the last known good commit: %w", err)
	}
	s.prune(co.Commit)
	return nil
}

// LastKnownGood returns the checkout of the last known good commit; ok is
// false when there is none. A checkout that went missing is made again
// from the mirror, after verifying its signature again.
func (s *Source) LastKnownGood(ctx context.Context) (co Checkout, ok bool, err error) {
	st, ok, err := s.readState()
	if err != nil || !ok {
		return Checkout{}, false, err
	}
	co = Checkout{Commit: st.Commit, Dir: filepath.Join(s.checkouts(), st.Commit), Signer: st.Signer}
	if _, err := os.Stat(co.Dir); err == nil {
		return co, true, nil
	}
	v, err := s.Verify(ctx, st.Commit)
	if err != nil {
		return Checkout{}, false, fmt.Errorf("the last known good commit's checkout is missing and cannot be made again: %w", err)
	}
	if err := s.writeCheckout(ctx, Checkout{Commit: v.commit, Dir: co.Dir}); err != nil {
		return Checkout{}, false, err
	}
	return co, true, nil
}
