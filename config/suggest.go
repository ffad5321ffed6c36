package config

import (
	"maps"
	"slices"
	"strconv"

	"github.com/agext/levenshtein"
)

// didYouMean is " Did you mean "NAME"?" for the candidate nearest to
// typed, when one is near enough to be a typo of it (at most a third of
// its length away, and at least one edit allowed), or "".
func didYouMean(typed string, candidates []string) string {
	best, bestDist := "", len(typed)/3+1
	for _, c := range candidates {
		if c == typed {
			continue
		}
		if d := levenshtein.Distance(typed, c, nil); d <= bestDist && (best == "" || d < bestDist || c < best) {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return " Did you mean " + strconv.Quote(best) + "?"
}

// names are a map's keys, sorted, for didYouMean.
func names[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// DidYouMean is " Did you mean "ADDRESS"?" for the catalog's instance
// address nearest to addr, when it is near enough to be a typo, or "".
func (c *Catalog) DidYouMean(addr string) string {
	addrs := make([]string, len(c.Instances))
	for i, inst := range c.Instances {
		addrs[i] = inst.Addr.String()
	}
	return didYouMean(addr, addrs)
}
