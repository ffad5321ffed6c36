package engine

import (
	"context"
	"slices"
	"testing"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/graph"
)

// sweeper is a fake that writes through temporary files in dirs and
// records, in a log shared by all, when it was swept and applied.
type sweeper struct {
	fake
	dirs []string
	log  *[]string
}

func (s *sweeper) TempDirs() []string { return s.dirs }

func (s *sweeper) Sweep(dir string) (int, error) {
	*s.log = append(*s.log, "sweep "+dir)
	return 1, nil
}

func (s *sweeper) Apply(ctx context.Context, c resources.Change) error {
	*s.log = append(*s.log, "apply")
	return s.fake.Apply(ctx, c)
}

// TestApplySweepsEachDirectoryOnceFirst: every directory is swept once,
// however many resources write there, before anything is applied; a plan
// sweeps nothing.
func TestApplySweepsEachDirectoryOnceFirst(t *testing.T) {
	var log []string
	a := &sweeper{fake: fake{differs: true}, dirs: []string{"/etc/app"}, log: &log}
	b := &sweeper{dirs: []string{"/etc/app", "/etc/ssl"}, log: &log}
	nodes := []Node{{Addr: "file.a", Resource: a}, {Addr: "file.b", Resource: b}}
	Plan(context.Background(), nodes, graph.New(2), Options{})
	if len(log) != 0 {
		t.Fatalf("a plan did %v", log)
	}
	res := Apply(context.Background(), nodes, graph.New(2), Options{})
	if want := []string{"sweep /etc/app", "sweep /etc/ssl", "apply"}; !slices.Equal(log, want) {
		t.Fatalf("apply did %v, want %v", log, want)
	}
	if res.Swept != 2 {
		t.Fatalf("Swept %d, want 2", res.Swept)
	}
}
