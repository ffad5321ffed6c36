package files

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
)

// raceApplies is how many applies TestParentSwapRace makes; the
// TEND_RACE_ROOT_APPLIES environment variable (make race-root) asks for
// more.
func raceApplies(t *testing.T) int {
	if s := os.Getenv("TEND_RACE_ROOT_APPLIES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("TEND_RACE_ROOT_APPLIES=%q is not a positive number", s)
		}
		return n
	}
	return 1000
}

// canary is a directory outside the root that a swapped-in symlink points
// at: nothing may ever be created, changed or read in it.
type canary struct {
	dir     string
	content string
	mtime   time.Time
	fmtime  time.Time
}

func newCanary(t *testing.T) *canary {
	c := &canary{dir: t.TempDir(), content: "CANARY-outside-the-root\n"}
	if err := os.WriteFile(filepath.Join(c.dir, "a.conf"), []byte(c.content), 0644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(filepath.Join(c.dir, "a.conf"), old, old)
	os.Chtimes(c.dir, old, old)
	c.mtime, c.fmtime = old, old
	return c
}

// check fails unless the canary directory is exactly as it was made.
func (c *canary) check(t *testing.T) {
	t.Helper()
	ents, err := os.ReadDir(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "a.conf" {
		t.Errorf("outside the root, the canary directory now holds %v", names)
	}
	got, err := os.ReadFile(filepath.Join(c.dir, "a.conf"))
	if err != nil || string(got) != c.content {
		t.Errorf("outside the root, a.conf now holds %q (%v)", got, err)
	}
	for p, want := range map[string]time.Time{c.dir: c.mtime, filepath.Join(c.dir, "a.conf"): c.fmtime} {
		if fi, err := os.Lstat(p); err != nil || !fi.ModTime().Equal(want) {
			t.Errorf("outside the root, %s was modified", p)
		}
	}
}

// swapParent replaces dir by a symlink to target and back, in a tight loop
// until stop is closed; the real directory is in place when it returns.
func swapParent(dir, target string, stop <-chan struct{}, swaps *atomic.Int64) error {
	aside := dir + ".real"
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		if err := os.Rename(dir, aside); err != nil {
			return err
		}
		if err := os.Symlink(target, dir); err != nil {
			return err
		}
		if err := os.Remove(dir); err != nil {
			return err
		}
		if err := os.Rename(aside, dir); err != nil {
			return err
		}
		swaps.Add(1)
		// A moment with the real directory in place, so that applies also
		// get through whole rather than all failing at the first step.
		time.Sleep(20 * time.Microsecond)
	}
}

// TestParentSwapRace applies a file, a link and a directory under
// /etc/app again and again while another goroutine keeps swapping /etc/app
// for a symlink to a directory outside the root. Every apply must succeed
// or fail naming the path, and nothing outside the root may be created,
// changed or read (the canary's content must never reach a backup).
func TestParentSwapRace(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/etc/app", 0755)
	out := newCanary(t)
	n := raceApplies(t)
	stop, swaps := make(chan struct{}), &atomic.Int64{}
	var wg sync.WaitGroup
	var swapErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		swapErr = swapParent(f.path("/etc/app"), out.dir, stop, swaps)
	}()
	var ok, failed int
	for i := range n {
		for _, r := range raceResources(f, i) {
			if err := raceApply(r); err != nil {
				failed++
				if !strings.Contains(err.Error(), "/etc/app") {
					t.Errorf("apply %d: error does not name the managed path: %v", i, err)
				}
				continue
			}
			ok++
		}
	}
	close(stop)
	wg.Wait()
	if swapErr != nil {
		t.Fatalf("swapping the parent: %v", swapErr)
	}
	out.check(t)
	checkNoCanaryInState(t, f.env.StateDir, out.content)
	fmt.Printf("parent-swap race: %d rounds of 3 resources: %d applies succeeded, %d failed naming the path, %d parent swaps; outside the root untouched: %v\n",
		n, ok, failed, swaps.Load(), !t.Failed())
	if ok == 0 {
		t.Fatal("no apply succeeded: the test did not exercise the writes")
	}
}

// raceResources is the small configuration applied in round i: a file
// whose content changes every round, a link whose target does, and a
// directory that comes and goes.
func raceResources(f *fixture, i int) []resources.Resource {
	dir := "directory"
	if i%2 == 1 {
		dir = "absent"
	}
	return []resources.Resource{
		f.resource(attrs{"path": str("/etc/app/a.conf"), "content": str(fmt.Sprintf("round %d\n", i)), "mode": str("0644")}),
		f.resource(attrs{"path": str("/etc/app/l"), "ensure": str("link"), "target": str(fmt.Sprintf("/target/%d", i))}),
		f.resource(attrs{"path": str("/etc/app/d"), "ensure": str(dir)}),
	}
}

func raceApply(r resources.Resource) error {
	ctx := context.Background()
	st, err := r.Read(ctx)
	if err != nil {
		return err
	}
	c, err := r.Plan(ctx, st)
	if err != nil || c.Action == resources.NoOp {
		return err
	}
	return r.Apply(ctx, c)
}

// checkNoCanaryInState fails if the canary's content was read into the
// state directory (a backup of a file outside the root).
func checkNoCanaryInState(t *testing.T, stateDir, content string) {
	t.Helper()
	filepath.WalkDir(stateDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if b, _ := os.ReadFile(p); strings.Contains(string(b), content) {
			t.Errorf("the state directory holds %s, a copy of a file outside the root", p)
		}
		return nil
	})
}
