package source

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Branch is one of the remote's branches as fetched: its name (without
// refs/heads/), its tip and when the tip was committed (the committer's
// date, which the committer sets: it says how recent the branch is, not
// whether it may be trusted).
type Branch struct {
	Name      string
	Commit    string
	Committed time.Time
}

// FetchBranches brings the remote's branches and tags into the mirror,
// as Fetch does, and lists its branches by name. Nothing is verified:
// the caller verifies the commit it uses.
func (s *Source) FetchBranches(ctx context.Context) ([]Branch, error) {
	if err := s.fetchAll(ctx); err != nil {
		return nil, err
	}
	out, err := s.git(ctx, "for-each-ref", "--format=%(objectname) %(committerdate:unix) %(refname:strip=2)", "refs/heads/")
	if err != nil {
		return nil, fmt.Errorf("listing the branches of %s: %w", s.cfg.URL, err)
	}
	var bs []Branch
	for line := range strings.Lines(string(out)) {
		commit, rest, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		date, name, ok := strings.Cut(rest, " ")
		secs, err := strconv.ParseInt(date, 10, 64)
		if !ok || err != nil || CheckRef(name) != nil {
			continue // not a commit (a branch naming a tree or blob), or a name tend does not take
		}
		bs = append(bs, Branch{Name: name, Commit: commit, Committed: time.Unix(secs, 0).UTC()})
	}
	return bs, nil
}
