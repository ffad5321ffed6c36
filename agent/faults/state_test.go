package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stateNode manages one file that notifies a reload, in two versions.
const stateNode = `node "web" {
  resource "file" "conf" {
    path    = "/srv/app.conf"
    content = "version = %d\n"
    notify  = [exec.reload]
  }
  resource "exec" "reload" {
    command      = "echo reloaded >> $TEND_ROOT/reloads.log"
    refresh_only = true
  }
}
`

// stateFiles are the state directory's files and directories.
var stateFiles = []struct {
	name string
	dir  bool
}{
	{"pending-refresh.json", false}, {"last_run_summary.json", false}, {"run.lock", false},
	{"disabled.json", false}, {"reports", true}, {"backups", true},
}

// damages are what is done to each.
var damages = []string{"truncated", "zeroed", "garbage", "directory"}

// stateCase is one state directory in one damaged state.
type stateCase struct {
	dir, root, state string
	repos            [3]string
}

// TestDamagedStateFiles damages every state file every way and runs
// tend apply: it must not panic; it proceeds or fails naming the file and
// the fix; tend check is never OK while the run could not record itself;
// the run after is back to normal.
func TestDamagedStateFiles(t *testing.T) {
	rng := seed(t)
	var cases, proceeded, refusedNaming, unrecorded, checkOK int
	for _, f := range stateFiles {
		for _, dmg := range damages {
			c := newStateCase(t)
			damage(t, rng, filepath.Join(c.state, f.name), f.dir, dmg)
			// a damaged pending file is met by a run with nothing else to
			// do, so its reload can only come from the stand-in events
			v := 1
			if f.name == "pending-refresh.json" {
				v = 2
			}
			start := time.Now()
			r := tend(t, c.dir, c.apply(v)...)
			cases++
			switch {
			case panicked(r):
				t.Errorf("%s %s: tend panicked: %s", f.name, dmg, r.stderr)
			case r.code == 0 || r.code == 2:
				proceeded++
			case strings.Contains(r.stderr+r.stdout, filepath.Join(c.state, f.name)) && hasFix(r.stderr+r.stdout):
				refusedNaming++
			default:
				t.Errorf("%s %s: exit %d without naming the file and the fix:\n%s%s", f.name, dmg, r.code, r.stdout, r.stderr)
			}
			if !c.recordedSince(start) {
				unrecorded++
				if ck := tend(t, c.dir, "check", "--state-dir", c.state); ck.code == 0 {
					checkOK++
					t.Errorf("%s %s: the run did not record itself and tend check says %s", f.name, dmg, ck.stdout)
				}
			}
			c.after(t, f.name, dmg, v, r)
		}
	}
	fmt.Printf("damaged state: %d cases (%d files x %v): 0 panics allowed, %d runs proceeded, %d failed naming the file and the fix, %d did not record themselves, %d of those tend check called OK\n",
		cases, len(stateFiles), damages, proceeded, refusedNaming, unrecorded, checkOK)
}

func hasFix(s string) bool {
	for _, w := range []string{"remove", "move", "tend enable", "rewrites"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// newStateCase converges a root through two versions, so the state
// directory has reports, a summary, backups and a run lock.
func newStateCase(t *testing.T) *stateCase {
	t.Helper()
	c := &stateCase{dir: t.TempDir()}
	c.root, c.state = filepath.Join(c.dir, "root"), filepath.Join(c.dir, "state")
	if err := os.MkdirAll(filepath.Join(c.root, "srv"), 0o755); err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 2; v++ {
		c.repos[v] = filepath.Join(c.dir, fmt.Sprint("v", v))
		os.MkdirAll(filepath.Join(c.repos[v], "nodes"), 0o755)
		os.WriteFile(filepath.Join(c.repos[v], "nodes/web.hcl"), fmt.Appendf(nil, stateNode, v), 0o644)
	}
	for _, v := range []int{1, 2} {
		if r := tend(t, c.dir, c.apply(v)...); r.code != 2 {
			t.Fatalf("setting up: apply v%d exited %d: %s", v, r.code, r.stderr)
		}
	}
	return c
}

func (c *stateCase) apply(v int) []string {
	return []string{"apply", "--repo", c.repos[v], "--node", "web", "--root", c.root, "--state-dir", c.state}
}

// recordedSince says whether the summary is of a run finished after t.
func (c *stateCase) recordedSince(t time.Time) bool {
	b, err := os.ReadFile(filepath.Join(c.state, "last_run_summary.json"))
	var s struct {
		Finished time.Time `json:"finished"`
	}
	return err == nil && json.Unmarshal(b, &s) == nil && !s.Finished.Before(t.Add(-time.Second))
}

// after checks the damaged run refreshed once and the next run is back
// to normal: nothing to do, and tend check OK unless the damage is one
// only a person may clear (the disable's record).
func (c *stateCase) after(t *testing.T, name, dmg string, v int, r run) {
	t.Helper()
	log, _ := os.ReadFile(filepath.Join(c.root, "reloads.log"))
	if n := bytes.Count(log, []byte("reloaded")); (r.code == 0 || r.code == 2) && n != 3 {
		t.Errorf("%s %s: %d reloads after three runs, want 3 (one each: two changes and the damaged run's change or lost events)", name, dmg, n)
	}
	if n := tend(t, c.dir, c.apply(v)...); n.code != 0 {
		t.Errorf("%s %s: the run after exited %d: %s%s", name, dmg, n.code, n.stdout, n.stderr)
	}
	ck := tend(t, c.dir, "check", "--state-dir", c.state)
	switch {
	case name == "disabled.json" && ck.code == 3 && strings.Contains(ck.stdout, filepath.Join(c.state, name)):
	case name != "disabled.json" && ck.code == 0:
	default:
		t.Errorf("%s %s: tend check after the next run: exit %d: %s", name, dmg, ck.code, ck.stdout)
	}
}

// damage does dmg to the state file at path (a directory when dir).
func damage(t *testing.T, rng *rand.Rand, path string, dir bool, dmg string) {
	t.Helper()
	old, _ := os.ReadFile(path)
	if len(old) < 64 {
		old = []byte(`[{"target": "exec.reload", "from": "file.conf", "since": "2026-01-01T00:00:00Z"}]`)
	}
	var b []byte
	switch dmg {
	case "truncated":
		b = old[:len(old)/2]
	case "zeroed":
		b = make([]byte, len(old))
	case "garbage":
		b = make([]byte, len(old))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
	}
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	var err error
	switch {
	case dmg == "directory" && dir: // odd entries inside the directory
		err = os.MkdirAll(filepath.Join(path, "odd.json", "x"), 0o700)
		if err == nil {
			err = os.WriteFile(filepath.Join(path, "zz-garbage.json"), []byte{0, 1, 2}, 0o600)
		}
	case dmg == "directory":
		err = os.MkdirAll(filepath.Join(path, "x"), 0o700)
	default:
		err = os.WriteFile(path, b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestUnrecordedRun makes the reports directory immutable so a run
// cannot write its report: tend check must say CRITICAL until a run
// records itself again.
func TestUnrecordedRun(t *testing.T) {
	c := newStateCase(t)
	reports := filepath.Join(c.state, "reports")
	if out, err := exec.Command("chattr", "+i", reports).CombinedOutput(); err != nil {
		t.Skipf("chattr +i (needs root and a file system that supports it): %v %s", err, out)
	}
	defer exec.Command("chattr", "-i", reports).Run()
	r := tend(t, c.dir, c.apply(1)...)
	ck := tend(t, c.dir, "check", "--state-dir", c.state)
	exec.Command("chattr", "-i", reports).Run()
	said := strings.SplitN(ck.stdout, "|", 2)[0]
	if !strings.Contains(r.stderr, "writing the report") || ck.code != 2 || !strings.Contains(ck.stdout, "never finished") {
		t.Fatalf("a run that could not write its report: exit %d %s; tend check exit %d: %s", r.code, r.stderr, ck.code, ck.stdout)
	}
	n := tend(t, c.dir, c.apply(1)...)
	if ck = tend(t, c.dir, "check", "--state-dir", c.state); n.code != 0 || ck.code != 0 {
		t.Fatalf("after the reports directory is writable again: apply %d, check %d: %s", n.code, ck.code, ck.stdout)
	}
	fmt.Printf("unrecorded run (reports directory immutable): exit %d, then tend check said %q; after the next run, OK\n", r.code, said)
	if err := exec.Command("chattr", "+i", c.state).Run(); err != nil {
		t.Fatal(err)
	}
	defer exec.Command("chattr", "-i", c.state).Run()
	ck = tend(t, c.dir, "check", "--state-dir", c.state)
	exec.Command("chattr", "-i", c.state).Run()
	if ck.code != 2 || !strings.Contains(ck.stdout, "runs cannot record themselves") {
		t.Fatalf("tend check of a state directory runs cannot write: exit %d: %s", ck.code, ck.stdout)
	}
	fmt.Printf("state directory immutable: tend check said %q\n", strings.SplitN(ck.stdout, "|", 2)[0])
}
