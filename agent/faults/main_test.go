package faults

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// size is how much of each fault the suite tries.
type size struct {
	name  string
	files int // managed files of the repositories
	pairs int // overlapping runs
	kills int // kill -9 attempts at the most
	// points is how many of them must kill a run mid-way (the others
	// find it finished); attempts stop once that many did
	points int
}

var (
	short = size{name: "short", files: 60, pairs: 6, kills: 24, points: 6}
	long  = size{name: "long", files: 500, pairs: 20, kills: 400, points: 200}
)

// sz is the size of this run: long with TEND_FAULTS=long.
func sz() size {
	if os.Getenv("TEND_FAULTS") == "long" {
		return long
	}
	return short
}

// seed is the suite's seed, 1 unless TEND_FAULTS_SEED says otherwise.
func seed(t *testing.T) *rand.Rand {
	s := uint64(1)
	if v := os.Getenv("TEND_FAULTS_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("TEND_FAULTS_SEED=%q: %v", v, err)
		}
		s = n
	}
	fmt.Printf("%s: seed %d, size %s\n", t.Name(), s, sz().name)
	return rand.New(rand.NewPCG(s, 0x7e4d))
}

// tendBin is the binary under test, built once by TestMain.
var tendBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tend-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tendBin = filepath.Join(dir, "tend")
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = "/usr/local/go/bin/go"
	}
	build := exec.Command(goBin, "build", "-o", tendBin, "github.com/tendhq/tend/agent/cmd/tend")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building tend: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run is one finished tend process.
type run struct {
	pid            int
	code           int
	killed         bool
	stdout, stderr string
}

// proc is a started tend process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// start runs tend with args in dir, with the environment the suite's
// git and ssh need.
func start(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(tendBin, args...)}
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "TEND_PROVIDERS=in-process")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *proc) wait() run {
	err := p.cmd.Wait()
	r := run{pid: p.cmd.Process.Pid, stdout: p.stdout.String(), stderr: p.stderr.String()}
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.killed = true
	}
	r.code = p.cmd.ProcessState.ExitCode()
	_ = err
	return r
}

// tend runs tend to the end.
func tend(t *testing.T, dir string, args ...string) run {
	t.Helper()
	return start(t, dir, args...).wait()
}

// panicked says whether a run crashed in Go rather than failing.
func panicked(r run) bool {
	return strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ")
}

// content is file i of version v: long enough that a partial write shows.
func content(v string, i int) string {
	return fmt.Sprintf("# version %s, file %d\n", v, i) + strings.Repeat(v+" line of the configuration\n", 60)
}

// version is one configuration of the suite's repositories.
type version struct {
	name string
	mode os.FileMode
}

var (
	verA = version{"A", 0o644}
	verB = version{"B", 0o640}
)

// writeRepo writes a node repository managing n files under /srv/d.
func writeRepo(t *testing.T, dir string, v version, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("node \"web\" {\n")
	for i := range n {
		fmt.Fprintf(&b, "  resource \"file\" \"f%d\" {\n    path    = \"/srv/d/f%d.conf\"\n    mode    = \"%04o\"\n    content = %q\n  }\n",
			i, i, v.mode, content(v.name, i))
	}
	b.WriteString("}\n")
	if err := os.MkdirAll(filepath.Join(dir, "nodes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nodes", "web.hcl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// census reads the managed files: how many are of each version with its
// mode, absent, or anything else (partial, wrong mode).
type census struct {
	byVersion map[string]int
	absent    int
	bad       []string
}

func take(t *testing.T, root string, n int, vs ...version) census {
	t.Helper()
	c := census{byVersion: map[string]int{}}
	for i := range n {
		path := filepath.Join(root, "srv/d", fmt.Sprintf("f%d.conf", i))
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			c.absent++
			continue
		}
		fi, _ := os.Stat(path)
		ok := false
		for _, v := range vs {
			if err == nil && string(b) == content(v.name, i) && fi.Mode().Perm() == v.mode {
				c.byVersion[v.name]++
				ok = true
			}
		}
		if !ok {
			c.bad = append(c.bad, fmt.Sprintf("%s (%d bytes, mode %v)", path, len(b), fi.Mode().Perm()))
		}
	}
	return c
}

// elapsed runs f and says how long it took.
func elapsed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// freshRoot empties root and makes the managed directory (the suite's
// repositories manage files, not their directory).
func freshRoot(t *testing.T, root string) {
	t.Helper()
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "srv/d"), 0o755); err != nil {
		t.Fatal(err)
	}
}
