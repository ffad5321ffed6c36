package faults

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// holderRE is how a refused run names the holder.
var holderRE = regexp.MustCompile(`another tend run holds \S+/run\.lock: pid ([0-9]+) \((tend apply|tend agent)\), since \S+ \([0-9]+s ago\); not running`)

// contender is one side of a pair: how to start it and what it applies.
type contender struct {
	command string // "tend apply" or "tend agent"
	v       version
	args    []string
}

// TestOverlappingRuns starts pairs of runs of two configurations of the
// same files at nearly the same time, tend apply against tend apply and
// against tend agent: the host must end with one configuration, whole,
// and every refused run exits 5 naming the other.
func TestOverlappingRuns(t *testing.T) {
	rng, s := seed(t), sz()
	dir := t.TempDir()
	root, state := filepath.Join(dir, "root"), filepath.Join(dir, "state")
	repoA, repoB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeRepo(t, repoA, verA, s.files)
	writeRepo(t, repoB, verB, s.files)
	freshRoot(t, root)
	host := []string{"--node", "web", "--root", root, "--state-dir", state}
	applyA := contender{"tend apply", verA, append([]string{"apply", "--repo", repoA}, host...)}
	applyB := contender{"tend apply", verB, append([]string{"apply", "--repo", repoB}, host...)}
	agentB, agentOK := agentContender(t, dir, repoB, host)
	d := elapsed(func() { tend(t, dir, applyA.args...) })
	// Pairs go on until s.pairs of them overlapped (one run refused: the
	// second can start after the first finished), up to twice as many.
	var mixed, refused, named, both, pairs int
	for i := 0; refused < s.pairs && i < 2*s.pairs; i++ {
		pairs++
		first, second := applyA, applyB
		if i%2 == 1 && agentOK {
			second = agentB
		}
		if rng.IntN(2) == 1 {
			first, second = second, first
		}
		delay := time.Duration(rng.Int64N(int64(d/2) + 1))
		p1 := start(t, dir, first.args...)
		time.Sleep(delay)
		p2 := start(t, dir, second.args...)
		r1, r2 := p1.wait(), p2.wait()
		ran := map[string]bool{}
		for _, c := range []struct {
			r, other run
			me, them contender
		}{{r1, r2, first, second}, {r2, r1, second, first}} {
			switch c.r.code {
			case 0, 2:
				ran[c.me.v.name] = true
			case 5:
				refused++
				// the holder is the other run: its pid, or its supervised
				// child's (tend re-executes itself under a supervisor)
				if m := holderRE.FindStringSubmatch(c.r.stderr); m != nil && m[2] == c.them.command && (m[1] == strconv.Itoa(c.other.pid) || ppid(m[1]) == c.other.pid || ppid(m[1]) == 0) {
					named++
				} else {
					t.Errorf("pair %d: refused %s does not name %s pid %d: %s", i, c.me.command, c.them.command, c.other.pid, c.r.stderr)
				}
			default:
				t.Errorf("pair %d: %s exited %d: %s", i, c.me.command, c.r.code, c.r.stderr)
			}
		}
		if len(ran) == 2 {
			both++
		}
		c := take(t, root, s.files, verA, verB)
		if len(c.byVersion) != 1 || c.absent > 0 || len(c.bad) > 0 || len(ran) == 1 && c.byVersion[onlyKey(ran)] != s.files {
			mixed++
			t.Errorf("pair %d: host mixed: %v, %d absent, %d bad (ran: %v)", i, c.byVersion, c.absent, len(c.bad), ran)
		}
	}
	fmt.Printf("overlapping runs: %d pairs of %d files (apply/apply and apply/agent: %v), one run %s long: %d mixed outcomes, %d overlapped (one refused), %d of the refused exit 5 naming the holder, %d pairs did not overlap (both ran)\n",
		pairs, s.files, agentOK, d.Round(time.Millisecond), mixed, refused, named, both)
	if refused < s.pairs {
		t.Errorf("only %d of %d pairs overlapped, want %d", refused, pairs, s.pairs)
	}
}

func onlyKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}

// agentContender makes repo a signed git source and returns the tend
// agent run that applies it; ok is false without git or ssh-keygen.
func agentContender(t *testing.T, dir, repo string, host []string) (contender, bool) {
	t.Helper()
	for _, tool := range []string{"git", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Printf("overlapping runs: no %s, tend apply pairs only\n", tool)
			return contender{}, false
		}
	}
	key := filepath.Join(dir, "id_ops")
	sh(t, dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key)
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "signers"), []byte("ops@tend.test "+string(pub)), 0o644); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(dir, "nodes.git")
	sh(t, dir, "git", "init", "-q", "--bare", bare)
	sh(t, repo, "git", "init", "-q", "-b", "main")
	sh(t, repo, "git", "add", ".")
	sh(t, repo, "git", "-c", "gpg.format=ssh", "-c", "user.signingkey="+key, "commit", "-q", "-S", "-m", "B")
	sh(t, repo, "git", "push", "-q", bare, "main")
	args := append([]string{"agent", "--config", "", "--metrics-file", "", "--source", bare, "--signers", filepath.Join(dir, "signers")}, host...)
	return contender{"tend agent", verB, args}, true
}

// sh runs a helper command, failing the test when it fails.
func sh(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Ops", "GIT_AUTHOR_EMAIL=ops@tend.test",
		"GIT_COMMITTER_NAME=Ops", "GIT_COMMITTER_EMAIL=ops@tend.test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// ppid is the parent of process pid, 0 once it is gone.
func ppid(pid string) int {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}
