package exec_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tendhq/tend/providers/exec"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

// attrs is a test's configured values; strings, bools, numbers, []int and
// map[string]string are converted to cty.
type attrs map[string]any

func config(t *testing.T, a attrs, env resources.Env) *resources.Config {
	t.Helper()
	values := map[string]cty.Value{}
	for name, v := range a {
		values[name] = ctyOf(t, v)
	}
	return kindtest.Config(t, exec.Schema, env, values)
}

func ctyOf(t *testing.T, v any) cty.Value {
	t.Helper()
	switch v := v.(type) {
	case string:
		return cty.StringVal(v)
	case bool:
		return cty.BoolVal(v)
	case int:
		return cty.NumberIntVal(int64(v))
	case float64:
		return cty.NumberFloatVal(v)
	case []int:
		if len(v) == 0 {
			return cty.ListValEmpty(cty.Number)
		}
		var l []cty.Value
		for _, n := range v {
			l = append(l, cty.NumberIntVal(int64(n)))
		}
		return cty.ListVal(l)
	case map[string]string:
		m := map[string]cty.Value{}
		for k, s := range v {
			m[k] = cty.StringVal(s)
		}
		return cty.MapVal(m)
	}
	t.Fatalf("no cty conversion for %T", v)
	return cty.NilVal
}

func newExec(t *testing.T, cfg *resources.Config) resources.Resource {
	t.Helper()
	r, err := exec.Kind().New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// plan runs Read and Plan as `tend plan` would.
func plan(t *testing.T, r resources.Resource) resources.Change {
	t.Helper()
	ctx := context.Background()
	st, err := r.Read(ctx)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	c, err := r.Plan(ctx, st)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return c
}

// converge plans and, when the plan says so, applies and verifies.
func converge(t *testing.T, r resources.Resource) (resources.Change, error) {
	t.Helper()
	c := plan(t, r)
	if c.Action == resources.NoOp {
		return c, nil
	}
	if err := r.Apply(context.Background(), c); err != nil {
		return c, err
	}
	return c, r.Verify(context.Background())
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func output(r resources.Resource) string {
	return r.(resources.Outputter).Output()
}

func TestCreates(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "marker")
	r := newExec(t, config(t, attrs{"command": "touch " + marker, "creates": marker}, resources.Env{}))
	c, err := converge(t, r)
	if err != nil || c.Action != resources.Create || !exists(marker) {
		t.Fatalf("first run: action %v, err %v, marker exists %v", c.Action, err, exists(marker))
	}
	if want := `creates "` + marker + `" is absent`; !strings.Contains(c.Reason, want) {
		t.Errorf("reason %q does not say %q", c.Reason, want)
	}
	if c := plan(t, r); c.Action != resources.NoOp || !strings.Contains(c.Reason, "exists") {
		t.Errorf("second plan: %+v, want no-op because marker exists", c)
	}
}

func TestCreatesUnderRoot(t *testing.T) {
	root := t.TempDir()
	env := resources.Env{Root: root}
	r := newExec(t, config(t, attrs{"command": `touch "$TEND_ROOT/marker"`, "creates": "/marker"}, env))
	if _, err := converge(t, r); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(root, "marker")) {
		t.Fatal("command did not see TEND_ROOT")
	}
	if c := plan(t, r); c.Action != resources.NoOp {
		t.Errorf("creates not resolved under root: %+v", c)
	}
}

func TestUnless(t *testing.T) {
	dir := t.TempDir()
	flag := filepath.Join(dir, "flag")
	guard := "test -f " + flag
	r := newExec(t, config(t, attrs{"command": "touch " + flag, "unless": guard}, resources.Env{}))
	c, err := converge(t, r)
	if err != nil || c.Action != resources.Create {
		t.Fatalf("first run: %+v, %v", c, err)
	}
	if want := `command will run (unless "` + guard + `" exited 1)`; c.Reason != want {
		t.Errorf("reason %q, want %q", c.Reason, want)
	}
	if len(c.Attrs) != 1 || c.Attrs[0] != (resources.AttrChange{Name: "command", New: "touch " + flag}) {
		t.Errorf("attrs %+v", c.Attrs)
	}
	if c := plan(t, r); c.Action != resources.NoOp || !strings.Contains(c.Reason, "exited 0") {
		t.Errorf("second plan: %+v", c)
	}
}

func TestOnlyif(t *testing.T) {
	for _, tc := range []struct {
		guard string
		want  resources.Action
	}{
		{"true", resources.Create},
		{"false", resources.NoOp},
		{"exit 7", resources.NoOp},
	} {
		dir := t.TempDir()
		out := filepath.Join(dir, "out")
		r := newExec(t, config(t, attrs{"command": "touch " + out, "onlyif": tc.guard}, resources.Env{}))
		c, err := converge(t, r)
		if err != nil || c.Action != tc.want || exists(out) != (tc.want == resources.Create) {
			t.Errorf("onlyif %q: action %v, err %v, ran %v", tc.guard, c.Action, err, exists(out))
		}
	}
}

func TestGuardsStopAtFirstSkip(t *testing.T) {
	dir := t.TempDir()
	probe := filepath.Join(dir, "probe")
	r := newExec(t, config(t, attrs{
		"command": "true",
		"unless":  "true",
		"onlyif":  "touch " + probe,
	}, resources.Env{}))
	if c := plan(t, r); c.Action != resources.NoOp {
		t.Fatalf("plan %+v", c)
	}
	if exists(probe) {
		t.Error("onlyif ran although unless already said skip")
	}
}

func TestNoGuardsRunsEveryTime(t *testing.T) {
	dir := t.TempDir()
	count := filepath.Join(dir, "count")
	r := newExec(t, config(t, attrs{"command": "echo x >> " + count}, resources.Env{}))
	for range 2 {
		if c, err := converge(t, r); err != nil || c.Action != resources.Create {
			t.Fatalf("%+v, %v", c, err)
		}
	}
	if b, _ := os.ReadFile(count); string(b) != "x\nx\n" {
		t.Errorf("ran %q, want twice", b)
	}
}

func TestRefreshOnly(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	r := newExec(t, config(t, attrs{"command": "echo refreshed; touch " + out, "refresh_only": true}, resources.Env{}))
	st, err := r.Read(context.Background())
	if err != nil || st["guard"] != "refresh-only" {
		t.Fatalf("Read: %v, %v", st, err)
	}
	if c := plan(t, r); c.Action != resources.NoOp {
		t.Fatalf("plan %+v, want no-op", c)
	}
	if exists(out) {
		t.Fatal("ran without a notification")
	}
	if err := r.(resources.Refresher).Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !exists(out) || output(r) != "refreshed\n" {
		t.Errorf("refresh: ran %v, output %q", exists(out), output(r))
	}
}

func TestRefreshChecksGuards(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	r := newExec(t, config(t, attrs{"command": "touch " + out, "refresh_only": true, "unless": "true"}, resources.Env{}))
	if err := r.(resources.Refresher).Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if exists(out) {
		t.Error("refresh ran although unless exited 0")
	}
	if !strings.Contains(output(r), `not run: unless "true" exited 0`) {
		t.Errorf("output %q", output(r))
	}
}

func TestNonzeroExit(t *testing.T) {
	r := newExec(t, config(t, attrs{"command": "echo first; echo boom >&2; exit 2"}, resources.Env{}))
	_, err := converge(t, r)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"exited 2", "first", "boom"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if output(r) != "first\nboom\n" {
		t.Errorf("output %q", output(r))
	}
}

func TestOutputBounded(t *testing.T) {
	r := newExec(t, config(t, attrs{"command": "head -c 200000 /dev/zero | tr '\\0' a; echo; echo last words; exit 1"}, resources.Env{}))
	_, err := converge(t, r)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if len(msg) > 5<<10 || !strings.HasSuffix(msg, "last words\n") || !strings.Contains(msg, "earlier bytes not shown") {
		t.Errorf("error is %d bytes, ends %q", len(msg), msg[max(0, len(msg)-40):])
	}
	out := output(r)
	if len(out) > 65<<10 || !strings.HasSuffix(out, "last words\n") {
		t.Errorf("output is %d bytes, ends %q", len(out), out[max(0, len(out)-40):])
	}
}

func TestReturns(t *testing.T) {
	for _, tc := range []struct {
		code int
		ok   bool
	}{{0, true}, {3, true}, {1, false}} {
		r := newExec(t, config(t, attrs{"command": "exit " + strconv.Itoa(tc.code), "returns": []int{0, 3}}, resources.Env{}))
		_, err := converge(t, r)
		if (err == nil) != tc.ok {
			t.Errorf("exit %d: err %v, want ok %v", tc.code, err, tc.ok)
		}
	}
}

func TestEnvironmentAndCwd(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "work"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEND_LEAK", "agent")
	r := newExec(t, config(t, attrs{
		"command":     `printf '%s|%s|%s|%s|%s' "$FOO" "$(pwd)" "$PATH" "$TEND_ROOT" "$TEND_LEAK" > out`,
		"environment": map[string]string{"FOO": "bar baz"},
		"cwd":         "/work",
	}, resources.Env{Root: root}))
	if _, err := converge(t, r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "work", "out"))
	if err != nil {
		t.Fatal(err)
	}
	want := "bar baz|" + filepath.Join(root, "work") + "|/usr/sbin:/usr/bin:/sbin:/bin|" + root + "|"
	if string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
}

func TestSensitive(t *testing.T) {
	for _, attr := range []string{"command", "environment"} {
		t.Run(attr, func(t *testing.T) {
			cfg := config(t, attrs{
				"command":     `echo "s3cret-$TOKEN"; exit 4`,
				"unless":      "false",
				"environment": map[string]string{"TOKEN": "hunter2"},
			}, resources.Env{})
			cfg.Sensitive[attr] = true
			r := newExec(t, cfg)
			c, err := converge(t, r)
			if err == nil || !strings.Contains(err.Error(), "exited 4") {
				t.Fatalf("err %v, want exit 4", err)
			}
			if len(c.Attrs) != 1 || !c.Attrs[0].Sensitive || c.Attrs[0].New != resources.Masked {
				t.Errorf("command not masked: %+v", c.Attrs)
			}
			js, _ := json.Marshal(c)
			for _, leak := range []string{"s3cret", "hunter2", "TOKEN"} {
				for what, s := range map[string]string{"change": string(js), "error": err.Error(), "output": output(r)} {
					if strings.Contains(s, leak) {
						t.Errorf("%s leaks %q: %s", what, leak, s)
					}
				}
			}
		})
	}
}

func TestTimeoutKillsProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	r := newExec(t, config(t, attrs{
		"command": "echo $$ > " + pids + "; sleep 30 & echo $! >> " + pids + "; sleep 30",
		"timeout": 1,
	}, resources.Env{}))
	start := time.Now()
	_, err := converge(t, r)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v", took)
	}
	if !errors.Is(err, exec.ErrTimeout) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err %v, want a timeout", err)
	}
	b, err := os.ReadFile(pids)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(b))
	if len(fields) != 2 {
		t.Fatalf("pids file %q", b)
	}
	pgid, _ := strconv.Atoi(fields[0])
	assertGroupGone(t, pgid)
}

// assertGroupGone waits briefly for every live process of the group to
// vanish. Zombies count as gone: in a container nothing may reap them.
func assertGroupGone(t *testing.T, pgid int) {
	t.Helper()
	var alive []string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if alive = liveMembers(pgid); len(alive) == 0 {
			return
		}
	}
	t.Errorf("process group %d still has live processes: %v", pgid, alive)
}

func liveMembers(pgid int) []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var alive []string
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// Fields after the parenthesized command name: state ppid pgrp.
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" {
			alive = append(alive, p)
		}
	}
	return alive
}

func TestBackgroundChildDoesNotHoldApply(t *testing.T) {
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	r := newExec(t, config(t, attrs{"command": "echo $$ > " + pids + "; sleep 30 & echo started"}, resources.Env{}))
	t.Cleanup(func() {
		if b, err := os.ReadFile(pids); err == nil {
			pgid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			syscall.Kill(-pgid, syscall.SIGKILL)
		}
	})
	start := time.Now()
	err := r.Apply(context.Background(), resources.Change{Action: resources.Create})
	if err != nil || output(r) != "started\n" {
		t.Errorf("err %v, output %q", err, output(r))
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v", took)
	}
}

func TestGuardTimeout(t *testing.T) {
	r := newExec(t, config(t, attrs{"command": "true", "unless": "sleep 30", "timeout": 1}, resources.Env{}))
	start := time.Now()
	_, err := r.Read(context.Background())
	if !errors.Is(err, exec.ErrTimeout) || !strings.Contains(err.Error(), `unless "sleep 30" timed out`) {
		t.Errorf("err %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestConcurrentExecs(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		out := filepath.Join(dir, strconv.Itoa(i))
		r := newExec(t, config(t, attrs{"command": "echo $N > " + out, "creates": out,
			"environment": map[string]string{"N": strconv.Itoa(i)}}, resources.Env{}))
		wg.Go(func() {
			errs[i] = r.Apply(context.Background(), resources.Change{Action: resources.Create})
		})
	}
	wg.Wait()
	for i, err := range errs {
		b, _ := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil || string(b) != strconv.Itoa(i)+"\n" {
			t.Errorf("exec %d: %v, wrote %q", i, err, b)
		}
	}
}

func TestCallerDeadline(t *testing.T) {
	r := newExec(t, config(t, attrs{"command": "sleep 30"}, resources.Env{}))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := r.Apply(ctx, resources.Change{Action: resources.Create})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("err %v", err)
	}
}

func TestApplyRejectsOtherActions(t *testing.T) {
	r := newExec(t, config(t, attrs{"command": "true"}, resources.Env{}))
	if err := r.Apply(context.Background(), resources.Change{Action: resources.Delete}); err == nil {
		t.Error("applied a delete")
	}
}

func TestKind(t *testing.T) {
	k := exec.Kind()
	s := k.Schema()
	if s.Kind != "exec" || s.Doc == "" {
		t.Errorf("schema %q doc %q", s.Kind, s.Doc)
	}
	for _, a := range s.Attrs {
		if a.Doc == "" {
			t.Errorf("attribute %s has no doc", a.Name)
		}
	}
	if a, ok := s.Attr("command"); !ok || !a.Required {
		t.Error("command is not required")
	}
	cfg := config(t, attrs{"command": "true"}, resources.Env{})
	cfg.Addr = resources.Address{Module: []string{"m"}, Kind: "exec", Name: "x"}
	if id := fmt.Sprint(k.Identities(cfg)); id != "[exec:module.m.exec.x]" {
		t.Errorf("identity %q", id)
	}
	if n := k.Order(cfg); n != nil {
		t.Errorf("needs %v", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, a := range map[string]attrs{
		"empty command":      {"command": "  "},
		"relative creates":   {"command": "true", "creates": "x"},
		"relative cwd":       {"command": "true", "cwd": "tmp"},
		"negative timeout":   {"command": "true", "timeout": -1},
		"fractional timeout": {"command": "true", "timeout": 1.5},
		"bad exit code":      {"command": "true", "returns": []int{256}},
		"no exit codes":      {"command": "true", "returns": []int{}},
		"bad env name":       {"command": "true", "environment": map[string]string{"A=B": "x"}},
	} {
		cfg := config(t, a, resources.Env{})
		if _, err := exec.Kind().New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
