package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tendhq/tend/resources"
)

// checkAccounts decides, in a plan, about the accounts node i's change
// needs that the root does not have yet (Change.Missing): each must be
// created by a resource node i depends on, directly or not, in this same
// run — a user or group resource that creates it, or else a package that
// is installed and may create it. The plan's reason names the creator;
// an account nobody creates fails the resource. In an apply every
// dependency already ran, so a missing account is always a failure, and
// it is found before Apply touches anything.
func (w *walk) checkAccounts(i int, applying bool) bool {
	missing := w.out[i].Change.Missing
	if len(missing) == 0 {
		return true
	}
	var notes, errs []string
	for _, ref := range missing {
		by := ""
		if !applying {
			by = w.creator(i, ref.Account)
		}
		if by == "" {
			errs = append(errs, fmt.Sprintf("%s (not in %s)", ref, accountFile(ref.Kind)))
			continue
		}
		notes = append(notes, fmt.Sprintf("%s: created by %s", ref, by))
	}
	if len(errs) > 0 {
		msg := "no such user or group under the root: " + strings.Join(errs, ", ")
		if !applying {
			msg = "no such user or group under the root, and nothing " + w.nodes[i].Addr +
				" depends on creates it in this run: " + strings.Join(errs, ", ") +
				"; manage it with a user or group resource, or depend on the package that creates it"
		}
		if d := w.nodes[i].Declared; d != "" {
			msg += fmt.Sprintf(" (%s is declared at %s)", w.nodes[i].Addr, d)
		}
		// As when Plan fails: no change, so nothing is notified.
		w.out[i].Change = resources.Change{}
		w.fail(i, errors.New(msg))
		return false
	}
	c := &w.out[i].Change
	c.Reason = strings.Join(slices.DeleteFunc(append([]string{c.Reason}, notes...), func(s string) bool { return s == "" }), "; ")
	return true
}

func accountFile(k resources.AccountKind) string {
	if k == resources.GroupAccount {
		return "/etc/group"
	}
	return "/etc/passwd"
}

// creator names the resource among node i's dependencies, nearest first,
// whose planned change creates a: one that names it in Creates wins over
// a package that only may create it. "" when there is none.
func (w *walk) creator(i int, a resources.Account) string {
	maybe := ""
	for _, d := range w.g.Ancestors(i) {
		c := w.out[d].Change
		if c.Action != resources.Create {
			continue
		}
		if slices.Contains(c.Creates, a) {
			return w.out[d].Addr
		}
		if c.MayCreateAccounts && maybe == "" {
			maybe = w.out[d].Addr
		}
	}
	return maybe
}
