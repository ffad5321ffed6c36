package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tendhq/tend/resources"
)

// checkPaths decides about the paths node i's change needs that do not
// exist under the root yet (Change.MissingPaths), as checkAccounts does
// for accounts: in a plan, each must be created by a resource node i
// depends on, directly or not (resources.PathCreator): a directory
// resource, or a package whose archive ships the directory. One that may
// create it (a package not downloaded yet) is accepted with a note. A
// path nothing creates fails the resource in the plan, where the apply
// would have failed. In an apply every dependency already ran, so a
// missing path is always a failure, found before Apply touches anything.
func (w *walk) checkPaths(ctx context.Context, i int, applying bool) bool {
	needs := w.out[i].Change.MissingPaths
	if len(needs) == 0 {
		return true
	}
	var notes, errs []string
	for _, n := range needs {
		note := ""
		if !applying {
			note = w.pathCreator(ctx, i, n)
		}
		if note == "" {
			errs = append(errs, n.String())
			continue
		}
		notes = append(notes, note)
	}
	if len(errs) > 0 {
		w.out[i].Change = resources.Change{}
		w.fail(i, errors.New(w.missingPathsMessage(i, errs, applying)))
		return false
	}
	c := &w.out[i].Change
	c.Reason = strings.Join(slices.DeleteFunc(append([]string{c.Reason}, notes...), func(s string) bool { return s == "" }), "; ")
	return true
}

// missingPathsMessage says which paths do not exist and how to have them
// created, naming where node i is declared.
func (w *walk) missingPathsMessage(i int, missing []string, applying bool) string {
	verb := " does not exist under the root"
	if len(missing) > 1 {
		verb = " do not exist under the root"
	}
	msg := strings.Join(missing, ", ") + verb
	if !applying {
		msg += ", and nothing " + w.nodes[i].Addr + " depends on creates it in this run; " +
			"manage it with a file resource (ensure = \"directory\" for a directory), " +
			"or depend on the package that ships it (depends_on)"
	}
	if d := w.nodes[i].Declared; d != "" {
		msg += fmt.Sprintf(" (%s is declared at %s)", w.nodes[i].Addr, d)
	}
	return msg
}

// pathCreator says which of node i's dependencies, nearest first, creates
// need, or may: a resource that surely creates it wins over one that
// only may. "" when none does.
func (w *walk) pathCreator(ctx context.Context, i int, need resources.PathNeed) string {
	maybe := ""
	for _, d := range w.g.Ancestors(i) {
		pc, ok := w.nodes[d].Resource.(resources.PathCreator)
		c := w.out[d].Change
		if !ok || c.Action != resources.Create && c.Action != resources.Update || w.out[d].Status == Failed {
			continue
		}
		switch how, note := pc.CreatesPath(ctx, c, need); how {
		case resources.Creates:
			return fmt.Sprintf("%s: created by %s%s", need.Path, w.out[d].Addr, parenthesized(note))
		case resources.MayCreate:
			if maybe == "" {
				maybe = fmt.Sprintf("%s: %s may create it%s", need.Path, w.out[d].Addr, parenthesized(note))
			}
		}
	}
	return maybe
}

func parenthesized(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}
