package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tempPrefix begins the name of tend's temporary files once they carry
// one recognisable prefix and the next run sweeps them.
const tempPrefix = ".tend-tmp-"

// oldTemp is the name of temporary files before that prefix: .NAME.tend-N.
var oldTemp = regexp.MustCompile(`^\..+\.tend-[0-9]+$`)

// killTally is what the kill points found.
type killTally struct {
	points, finished, unmarked, recorded, partial, notConverged, secondNotZero, checkOK int
	leftovers                                                                           int
	sweeps                                                                              bool
}

// TestKilledRuns kills tend apply with SIGKILL at random points of first
// applies (an empty root) and of updates (every file changes content and
// mode): no file may be partial or of a mode that does not go with its
// content, tend check must not say OK about a killed run, the next run
// converges and the one after has nothing to do. Temporary files left
// behind must be gone after the next run once tend sweeps them.
func TestKilledRuns(t *testing.T) {
	rng, s := seed(t), sz()
	dir := t.TempDir()
	root, state := filepath.Join(dir, "root"), filepath.Join(dir, "state")
	repos := map[string]string{"A": filepath.Join(dir, "a"), "B": filepath.Join(dir, "b")}
	writeRepo(t, repos["A"], verA, s.files)
	writeRepo(t, repos["B"], verB, s.files)
	args := func(v version) []string {
		return []string{"apply", "--repo", repos[v.name], "--node", "web", "--root", root, "--state-dir", state}
	}
	freshRoot(t, root)
	first := elapsed(func() { tend(t, dir, args(verA)...) })
	update := elapsed(func() { tend(t, dir, args(verB)...) })
	var k killTally
	from := verB
	// Attempts go on until enough of them killed a run mid-way (a run
	// can finish before its kill on a quiet machine), up to s.kills.
	attempts := 0
	for i := 0; i < s.kills && k.points < s.points; i++ {
		attempts++
		to, d := other(from), &update
		if i%2 == 0 { // a first apply: an empty root and state directory
			freshRoot(t, root)
			os.RemoveAll(state)
			from, to, d = version{}, verA, &first
		}
		if !k.one(t, rng, dir, root, state, args, from, to, *d) {
			*d = *d * 4 / 5 // it finished first: runs are quicker than measured
		}
		from = to
		if (i+1)%40 == 0 {
			fmt.Printf("kill -9: %d of at most %d attempts, %d killed mid-way, %d partial or wrong-mode files so far\n", i+1, s.kills, k.points, k.partial)
		}
	}
	fmt.Printf("kill -9: %d points in %d attempts over %d first applies and %d updates of %d files (first apply %s, update %s at the end): %d partial or wrong-mode files, %d next runs not converged, %d runs after them not exit 0, %d killed runs tend check called OK, %d killed before marking the run, %d after recording it, %d finished before the kill; %d temporary files left after the next run%s\n",
		k.points, attempts, (attempts+1)/2, attempts/2, s.files, first.Round(time.Millisecond), update.Round(time.Millisecond),
		k.partial, k.notConverged, k.secondNotZero, k.checkOK, k.unmarked, k.recorded, k.finished, k.leftovers, sweepNote(k.sweeps))
	if k.points < s.points {
		t.Errorf("only %d of %d attempts killed a run mid-way, want %d", k.points, attempts, s.points)
	}
}

func sweepNote(sweeps bool) string {
	if sweeps {
		return " (enforced: this tend sweeps temporary files)"
	}
	return " (not enforced: this tend does not sweep " + tempPrefix + " files yet)"
}

func other(v version) version {
	if v.name == "A" {
		return verB
	}
	return verA
}

// one is one kill point: apply to over from, kill it after a random part
// of d, and check the host, the check plugin and the next two runs. It
// says whether the kill found the run still running.
func (k *killTally) one(t *testing.T, rng *rand.Rand, dir, root, state string, args func(version) []string, from, to version, d time.Duration) bool {
	t.Helper()
	p := start(t, dir, args(to)...)
	// past the start (about a fifth of a run) and before the end
	time.Sleep(d/5 + time.Duration(rng.Int64N(int64(d)*7/10)))
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	r := p.wait()
	if !r.killed {
		k.finished++
	} else {
		k.points++
	}
	vs := []version{to}
	if from.name != "" {
		vs = append(vs, from)
	}
	c := take(t, root, sz().files, vs...)
	if len(c.bad) > 0 || (from.name != "" && c.absent > 0) {
		k.partial += len(c.bad) + c.absent
		t.Errorf("after a kill: %d files neither %v whole with their mode nor absent: %v", len(c.bad), vs, first(c.bad))
	}
	if r.killed {
		k.checkKilled(t, dir, state, r.pid)
	}
	planted := filepath.Join(root, "srv/d", tempPrefix+"planted.f0.conf")
	_ = os.WriteFile(planted, []byte("x"), 0o600)
	if n := tend(t, dir, args(to)...); n.code != 0 && n.code != 2 || len(take(t, root, sz().files, to).bad) > 0 {
		k.notConverged++
		t.Errorf("the run after a kill exited %d: %s", n.code, n.stderr)
	}
	if _, err := os.Lstat(planted); os.IsNotExist(err) {
		k.sweeps = true
	}
	_ = os.Remove(planted)
	k.countLeftovers(t, root, state)
	if n := tend(t, dir, args(to)...); n.code != 0 {
		k.secondNotZero++
		t.Errorf("the second run after a kill exited %d: %s", n.code, n.stderr)
	}
	return r.killed
}

// checkKilled asks tend check about a killed run: it must not be OK
// unless the run was killed before it marked itself started, or after it
// recorded its result and marked itself finished.
func (k *killTally) checkKilled(t *testing.T, dir, state string, pid int) {
	t.Helper()
	var rec struct {
		PID      int       `json:"pid"`
		Finished time.Time `json:"finished"`
	}
	b, _ := os.ReadFile(filepath.Join(state, "run.lock"))
	_ = json.Unmarshal(bytes.TrimSpace(b), &rec)
	switch {
	case rec.PID != pid:
		k.unmarked++
		return
	case !rec.Finished.IsZero():
		k.recorded++
		return
	}
	if c := tend(t, dir, "check", "--state-dir", state); c.code == 0 {
		k.checkOK++
		t.Errorf("tend check after a killed run: %s", c.stdout)
	}
}

// countLeftovers counts what is in the managed directory and the state
// directory that no one wants there: temporary files of either naming.
func (k *killTally) countLeftovers(t *testing.T, root, state string) {
	t.Helper()
	n := 0
	entries, _ := os.ReadDir(filepath.Join(root, "srv/d"))
	for _, e := range entries {
		if !regexp.MustCompile(`^f[0-9]+\.conf$`).MatchString(e.Name()) {
			n++
		}
	}
	_ = filepath.WalkDir(state, func(path string, e os.DirEntry, err error) error {
		if err == nil && (strings.HasPrefix(e.Name(), tempPrefix) || oldTemp.MatchString(e.Name())) {
			n++
		}
		return nil
	})
	k.leftovers += n
	if n > 0 && k.sweeps {
		t.Errorf("%d temporary files left after the run that follows a kill", n)
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
