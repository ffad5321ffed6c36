package source

import (
	"reflect"
	"testing"
	"time"
)

func TestFetchBranches(t *testing.T) {
	r := newRemote(t)
	main := r.commit("nodes/a.hcl", "# a\n", bySSH)
	r.git("checkout", "--quiet", "-b", "preview/old")
	r.env = append(r.env, "GIT_COMMITTER_DATE=2020-01-02T03:04:05Z")
	old := r.commit("nodes/b.hcl", "# b\n", unsigned)
	r.env = r.env[:len(r.env)-1]
	r.git("tag", "v1", main)
	s := r.open(Config{Signers: allowed()})
	bs, err := s.FetchBranches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 {
		t.Fatalf("FetchBranches = %+v, want main and preview/old (no tags)", bs)
	}
	if got := bs[1]; !reflect.DeepEqual(got, Branch{Name: "preview/old", Commit: old, Committed: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}) {
		t.Errorf("preview/old = %+v, want commit %s of 2020-01-02T03:04:05Z", got, old)
	}
	if bs[0].Name != "main" || bs[0].Commit != main || time.Since(bs[0].Committed) > time.Hour {
		t.Errorf("main = %+v, want commit %s, just now", bs[0], main)
	}

	r.git("checkout", "--quiet", "main")
	r.git("branch", "-D", "preview/old")
	if bs, err = s.FetchBranches(t.Context()); err != nil || len(bs) != 1 {
		t.Errorf("after preview/old is deleted: %+v, %v; want main alone", bs, err)
	}
}
