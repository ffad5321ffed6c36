package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tendhq/tend/providers/example/motd"
	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/graph"
	"github.com/zclconf/go-cty/cty"
)

func motdRequest(name string, a attrs, env resources.Env) Request {
	cfg := &resources.Config{Addr: resources.Address{Kind: "motd_line", Name: name},
		Values: map[string]cty.Value{"line": cty.NullVal(cty.String), "path": cty.NullVal(cty.String),
			"ensure": cty.NullVal(cty.String), "crash": cty.NullVal(cty.String)},
		Sensitive: map[string]bool{}, Env: env}
	for k, v := range a {
		cfg.Values[k] = v
	}
	cfg.FillDefaults(motd.Schema)
	return Request{Kind: "motd_line", Config: cfg}
}

func start(t *testing.T, c Command, d Deadlines) *Process {
	t.Helper()
	p, err := Start(c, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p
}

func TestExternalProviderRunsTheBytesItChecked(t *testing.T) {
	marker := markRun(t)
	p := start(t, motdCommand(t), Deadlines{})
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.Pid()))
	if err != nil || !strings.HasPrefix(exe, "/memfd:tend-provider-motd") {
		t.Fatalf("the provider runs %q (%v), not the sealed copy", exe, err)
	}
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "etc"), 0o755)
	req := motdRequest("hello", attrs{"line": cty.StringVal("Managed by tend")}, resources.Env{Root: root})
	if c := converge(t, p, req); c.Action != resources.Create {
		t.Fatalf("change %+v, want create", c)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/motd")); string(b) != "Managed by tend\n" {
		t.Fatalf("/etc/motd holds %q", b)
	}
	if c := converge(t, p, req); c.Action != resources.NoOp {
		t.Fatalf("second change %+v, want no-op", c)
	}
	p.Kill()
	noneLeft(t, marker)
}

func TestTamperedBinaryIsRefusedBeforeItRuns(t *testing.T) {
	marker := markRun(t)
	c := motdCommand(t)
	tampered := filepath.Join(t.TempDir(), ExecPrefix+"motd")
	copyFile(t, c.Path, tampered)
	f, _ := os.OpenFile(tampered, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte("x"))
	f.Close()
	c.Path = tampered
	_, err := Start(c, Deadlines{})
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.Got == ce.Want || ce.Want != fmt.Sprintf("%x", c.Sum) {
		t.Fatalf("Start: %v, want a checksum error naming both sums", err)
	}
	noneLeft(t, marker)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMisbehavingProviderFailsOnlyItsResources runs the real provider,
// made to panic, exit or hang in the middle of an apply, next to a file
// of another provider.
func TestMisbehavingProviderFailsOnlyItsResources(t *testing.T) {
	cases := []struct {
		crash string
		want  []string // in the failed resource's error
	}{
		{"panic", []string{"provider motd stopped answering during apply of motd_line.crash", "panic: motd_line: crashing on purpose", "goroutine "}},
		{"exit", []string{"provider motd stopped answering during apply of motd_line.crash", "motd_line: exiting on purpose"}},
		{"hang", []string{"provider motd did not answer apply of motd_line.crash within 1s and was killed"}},
	}
	for _, tc := range cases {
		t.Run(tc.crash, func(t *testing.T) {
			t.Setenv("TEND_TEST_FAULTS", "1")
			marker := markRun(t)
			p := start(t, motdCommand(t), Deadlines{Apply: time.Second})
			external, err := Kinds(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			builtin, _ := Kinds(context.Background(), Local(files.Kind()))
			root := t.TempDir()
			os.Mkdir(filepath.Join(root, "etc"), 0o755)
			env := resources.Env{Root: root, StateDir: t.TempDir()}
			nodes := []engine.Node{
				instance(t, external, motdRequest("crash", attrs{"line": cty.StringVal("boom"), "crash": cty.StringVal(tc.crash)}, env)),
				instance(t, builtin, request(t, "file", "f", attrs{"path": cty.StringVal("/etc/f"), "content": cty.StringVal("f\n")}, env)),
			}
			started := time.Now()
			res := engine.Apply(context.Background(), nodes, graph.New(2), engine.Options{Parallel: 2})
			if took := time.Since(started); took > 10*time.Second {
				t.Errorf("the run took %s", took)
			}
			crash, file := res.Outcomes[0], res.Outcomes[1]
			t.Logf("the failed resource says: %s", crash.Err)
			if crash.Status != engine.Failed || file.Status != engine.Changed {
				t.Fatalf("outcomes: crash %s (%s), file %s (%s)", crash.Status, crash.Err, file.Status, file.Err)
			}
			for _, w := range tc.want {
				if !strings.Contains(crash.Err, w) {
					t.Errorf("the error does not say %q:\n%s", w, crash.Err)
				}
			}
			// Later calls fail at once, with the cause.
			req := motdRequest("later", attrs{"line": cty.StringVal("later")}, env)
			began := time.Now()
			_, err = p.Read(context.Background(), req)
			if err == nil || !strings.Contains(err.Error(), "provider motd is not running: it") || time.Since(began) > 100*time.Millisecond {
				t.Errorf("a later call: %v after %s, want a quick error with the cause", err, time.Since(began))
			}
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", p.Pid())); err == nil && !zombie(p.Pid()) {
				t.Errorf("the provider, pid %d, is still running", p.Pid())
			}
			noneLeft(t, marker)
		})
	}
}

// TestProviderDiesWithTend kills the process that started a provider
// with SIGKILL, so that nothing of its own can clean up: the provider
// must go too.
func TestProviderDiesWithTend(t *testing.T) {
	path := motdBinary(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	parent := exec.Command(self)
	parent.Env = append(os.Environ(), orphanEnv+"="+path)
	stdin, _ := parent.StdinPipe()
	defer stdin.Close()
	out, _ := parent.StdoutPipe()
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	var line string
	if _, err := fmt.Fscanln(out, &line); err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(line)
	if err != nil {
		t.Fatalf("parent said %q", line)
	}
	_ = parent.Process.Signal(syscall.SIGKILL)
	_ = parent.Wait()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if zombie(pid) {
			return
		}
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Fatalf("provider %d outlived the tend that started it", pid)
}
