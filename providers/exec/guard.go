package exec

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// The values of State["guard"].
const (
	guardRun         = "run"
	guardSkip        = "skip"
	guardRefreshOnly = "refresh-only"
)

// verdict is what the guards decided, with the reason in printable words.
type verdict struct {
	run bool
	why string
}

// checkGuards evaluates creates, unless and onlyif in that order. The first
// guard that says skip decides, and the guards after it are not run.
func (s *settings) checkGuards(ctx context.Context) (verdict, error) {
	var why []string
	if s.creates != "" {
		exists, err := s.createsExists()
		if err != nil {
			return verdict{}, err
		}
		d := s.describe("creates", s.creates)
		if exists {
			return verdict{why: d + " exists"}, nil
		}
		why = append(why, d+" is absent")
	}
	guards := []struct {
		attr, script string
		runOnZero    bool
	}{
		{"unless", s.unless, false},
		{"onlyif", s.onlyif, true},
	}
	for _, g := range guards {
		if g.script == "" {
			continue
		}
		run, text, err := s.checkCommand(ctx, g.attr, g.script, g.runOnZero)
		if err != nil {
			return verdict{}, err
		}
		if !run {
			return verdict{why: text}, nil
		}
		why = append(why, text)
	}
	if len(why) == 0 {
		return verdict{run: true, why: "no guards: runs on every apply"}, nil
	}
	return verdict{run: true, why: strings.Join(why, ", ")}, nil
}

// createsExists looks for the creates path without following a final
// symlink: under a root, an absolute link target would point outside it.
func (s *settings) createsExists() (bool, error) {
	_, err := os.Lstat(s.env.Path(s.creates))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return false, nil
	}
	// The path is in the error already; report only the cause.
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return false, fmt.Errorf("%s cannot be checked: %w", s.describe("creates", s.creates), err)
}

// checkCommand runs an unless or onlyif guard and says whether it lets the
// command run.
func (s *settings) checkCommand(ctx context.Context, attr, script string, runOnZero bool) (bool, string, error) {
	d := s.describe(attr, script)
	e, err := s.run(ctx, script, nil)
	if err != nil {
		return false, "", fmt.Errorf("%s %w", d, err)
	}
	return (e.code == 0) == runOnZero, d + " " + e.text, nil
}
