package systemd

// The tests in this file talk to a real systemd over D-Bus. They run only
// inside a booted container, where TestInContainer copies this package's
// test binary and runs them with insideEnv set.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

const insideEnv = "TEND_SYSTEMD_INSIDE"

var live = resources.Env{Root: "/"}

func inside(t *testing.T) {
	t.Helper()
	if os.Getenv(insideEnv) == "" {
		t.Skip("talks to systemd: runs inside a booted container (TestInContainer)")
	}
}

// sh runs a command inside and returns its trimmed output, failing the
// test when it fails.
func sh(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// query is sh for commands whose exit status is part of the answer
// (systemctl is-active, is-enabled).
func query(args ...string) string {
	out, _ := exec.Command(args[0], args[1:]...).Output()
	return strings.TrimSpace(string(out))
}

func show(t *testing.T, unit, prop string) string {
	return sh(t, "systemctl", "show", "--property", prop, "--value", unit)
}

// installUnit writes a unit file to /etc/systemd/system and makes systemd
// see it; the unit is stopped, unmasked, disabled and removed afterwards.
func installUnit(t *testing.T, name, content string) {
	t.Helper()
	installUnitIn(t, "/etc/systemd/system", name, content)
}

// installUnitIn is installUnit with the unit file in dir, such as
// /lib/systemd/system where packages put theirs.
func installUnitIn(t *testing.T, dir, name, content string) {
	t.Helper()
	path := dir + "/" + name + ".service"
	writeFile(t, path, content)
	sh(t, "systemctl", "daemon-reload")
	t.Cleanup(func() {
		for _, args := range [][]string{{"stop"}, {"unmask"}, {"disable"}, {"reset-failed"}} {
			_ = exec.Command("systemctl", append(args, name)...).Run()
		}
		_ = os.Remove(path)
		_ = exec.Command("systemctl", "daemon-reload").Run()
	})
}

func lines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

func TestInsideStartEnableRefresh(t *testing.T) {
	inside(t)
	marks := "/run/tend-a.reloads"
	installUnit(t, "tend-a", unitFile("ExecReload=/bin/sh -c 'echo reload >> "+marks+"'"))
	a := attrs{"name": str("tend-a"), "ensure": str("running"), "enable": cty.True}
	r := bind(t, live, a)
	c := mustConverge(t, r)
	wantAction(t, c, resources.Update, "enable is disabled, want enabled; inactive (dead), want running")
	if query("systemctl", "is-active", "tend-a") != "active" || query("systemctl", "is-enabled", "tend-a") != "enabled" {
		t.Fatalf("after apply: %s, %s", query("systemctl", "is-active", "tend-a"), query("systemctl", "is-enabled", "tend-a"))
	}
	pid := show(t, "tend-a", "MainPID")
	if c := plan(t, r); c.Action != resources.NoOp {
		t.Fatalf("second plan: %+v", c)
	}
	// Started by this run: a refresh would repeat the start.
	if err := r.Refresh(context.Background()); err != nil || !strings.Contains(r.Output(), "started by this run") || lines(marks) != 0 {
		t.Fatalf("refresh after start: %v, %q, %d reloads", err, r.Output(), lines(marks))
	}

	next := bind(t, live, a) // the next run
	wantAction(t, plan(t, next), resources.NoOp, "")
	if err := next.Refresh(context.Background()); err != nil || next.Output() != "reloaded tend-a.service" {
		t.Fatalf("refresh: %v, %q", err, next.Output())
	}
	if lines(marks) != 1 || show(t, "tend-a", "MainPID") != pid {
		t.Fatalf("reload: %d reloads, main PID %s, was %s", lines(marks), show(t, "tend-a", "MainPID"), pid)
	}

	restart := bind(t, live, attrs{"name": str("tend-a"), "refresh": str("restart")})
	if err := restart.Refresh(context.Background()); err != nil || restart.Output() != "restarted tend-a.service" {
		t.Fatalf("restart: %v, %q", err, restart.Output())
	}
	if now := show(t, "tend-a", "MainPID"); now == pid || now == "0" || lines(marks) != 1 {
		t.Fatalf("restart: main PID %s, was %s; %d reloads", now, pid, lines(marks))
	}
}

func TestInsideStoppedIsStartedAgain(t *testing.T) {
	inside(t)
	installUnit(t, "tend-b", unitFile(""))
	a := attrs{"name": str("tend-b"), "ensure": str("running")}
	mustConverge(t, bind(t, live, a))
	sh(t, "systemctl", "stop", "tend-b")
	c := mustConverge(t, bind(t, live, a))
	wantAction(t, c, resources.Update, "inactive (dead), want running")
	if query("systemctl", "is-active", "tend-b") != "active" {
		t.Fatal("not started again")
	}
	wantAction(t, plan(t, bind(t, live, a)), resources.NoOp, "")

	stop := bind(t, live, attrs{"name": str("tend-b"), "ensure": str("stopped"), "enable": cty.False})
	wantAction(t, mustConverge(t, stop), resources.Update, "active (running), want stopped")
	if query("systemctl", "is-active", "tend-b") != "inactive" {
		t.Fatal("not stopped")
	}
	// A stopped service that is not ensured running stays stopped.
	idle := bind(t, live, attrs{"name": str("tend-b")})
	if err := idle.Refresh(context.Background()); err != nil || idle.Output() != "not refreshed: tend-b.service is inactive (dead)" {
		t.Fatalf("refresh of a stopped unit: %v, %q", err, idle.Output())
	}
	if query("systemctl", "is-active", "tend-b") != "inactive" {
		t.Fatal("refresh started a stopped unit")
	}
}

func TestInsideBrokenUnit(t *testing.T) {
	inside(t)
	for _, typ := range []string{"simple", "exec"} {
		name := "tend-broken-" + typ
		installUnit(t, name, "[Service]\nType="+typ+"\nExecStart=/nonexistent/"+name+"\n")
		r := bind(t, live, attrs{"name": str(name), "ensure": str("running")})
		_, err := converge(t, r)
		wantErr(t, err, "start "+name+".service", name+".service is failed (failed), result exit-code",
			"its last log lines:\n")
		// The log says why: systemd's own line (status=203/EXEC) is there
		// at once; the one naming the program comes from the unit's
		// process and, on a busy machine, may reach the journal later.
		if !strings.Contains(err.Error(), "/nonexistent/"+name) && !strings.Contains(err.Error(), "status=203/EXEC") {
			t.Fatalf("error %q says neither the program nor status 203/EXEC", err)
		}
		t.Logf("%s: %v", typ, err)
	}
	// A unit file systemd refuses to load.
	installUnit(t, "tend-bad", "[Service]\nExecStart=relative/path\n")
	_, err := converge(t, bind(t, live, attrs{"name": str("tend-bad"), "ensure": str("running")}))
	wantErr(t, err, "tend-bad.service cannot be loaded (bad-setting)", "its last log lines:\n", "relative/path")
	t.Logf("bad-setting: %v", err)
}

func TestInsideDaemonReloadFirst(t *testing.T) {
	inside(t)
	installUnit(t, "tend-c", unitFile("Environment=TEND_GEN=1"))
	a := attrs{"name": str("tend-c"), "ensure": str("running")}
	mustConverge(t, bind(t, live, a))
	// A managed unit file changes (a file resource ordered before).
	writeFile(t, "/etc/systemd/system/tend-c.service", unitFile("Environment=TEND_GEN=2"))
	r := bind(t, live, a)
	st, err := r.Read(context.Background())
	if err != nil || st["need_daemon_reload"] != "true" {
		t.Fatalf("state %v, %v", st, err)
	}
	c := mustConverge(t, r)
	wantAction(t, c, resources.Update, "unit file changed on disk (daemon-reload first)")
	if show(t, "tend-c", "NeedDaemonReload") != "no" || show(t, "tend-c", "Environment") != "TEND_GEN=2" {
		t.Fatalf("after apply: NeedDaemonReload=%s Environment=%s", show(t, "tend-c", "NeedDaemonReload"), show(t, "tend-c", "Environment"))
	}
	// A refresh without an apply reloads too, then restarts with the new
	// definition.
	writeFile(t, "/etc/systemd/system/tend-c.service", unitFile("Environment=TEND_GEN=3"))
	if err := bind(t, live, a).Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	env, _ := os.ReadFile("/proc/" + show(t, "tend-c", "MainPID") + "/environ")
	if !strings.Contains(string(env), "TEND_GEN=3") {
		t.Fatalf("restarted process environment %q", env)
	}
}

func TestInsideUnitArrivesDuringRun(t *testing.T) {
	inside(t)
	r := bind(t, live, attrs{"name": str("tend-late"), "ensure": str("running"), "enable": cty.True})
	c := plan(t, r)
	wantAction(t, c, resources.Create, "tend-late.service not found yet")
	// Its package is installed earlier in the run, without daemon-reload.
	path := "/etc/systemd/system/tend-late.service"
	writeFile(t, path, unitFile(""))
	t.Cleanup(func() {
		_ = exec.Command("systemctl", "disable", "--now", "tend-late").Run()
		_ = os.Remove(path)
		_ = exec.Command("systemctl", "daemon-reload").Run()
	})
	if err := r.Apply(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if query("systemctl", "is-active", "tend-late") != "active" || query("systemctl", "is-enabled", "tend-late") != "enabled" {
		t.Fatalf("output %q, %s", r.Output(), query("systemctl", "is-active", "tend-late"))
	}

	never := bind(t, live, attrs{"name": str("tend-never"), "ensure": str("running")})
	_, err := converge(t, never)
	wantErr(t, err, "tend-never.service not found: no package or unit file provides it")
}

func TestInsideMaskUnmask(t *testing.T) {
	inside(t)
	installUnitIn(t, "/lib/systemd/system", "tend-m", unitFile(""))
	mustConverge(t, bind(t, live, attrs{"name": str("tend-m"), "ensure": str("running")}))
	c := mustConverge(t, bind(t, live, attrs{"name": str("tend-m"), "masked": cty.True, "ensure": str("stopped")}))
	wantAction(t, c, resources.Update, "masked is false, want true")
	if query("systemctl", "is-enabled", "tend-m") != "masked" || query("systemctl", "is-active", "tend-m") != "inactive" {
		t.Fatalf("after masking: %s, %s", query("systemctl", "is-enabled", "tend-m"), query("systemctl", "is-active", "tend-m"))
	}
	_, err := tryPlan(bind(t, live, attrs{"name": str("tend-m"), "ensure": str("running")}))
	wantErr(t, err, "tend-m.service is masked: it cannot be started unless masked = false")

	c = mustConverge(t, bind(t, live, attrs{"name": str("tend-m"), "masked": cty.False, "enable": cty.True, "ensure": str("running")}))
	wantAction(t, c, resources.Update, "masked is true, want false")
	if query("systemctl", "is-enabled", "tend-m") != "enabled" || query("systemctl", "is-active", "tend-m") != "active" {
		t.Fatalf("after unmasking: %s, %s", query("systemctl", "is-enabled", "tend-m"), query("systemctl", "is-active", "tend-m"))
	}

	// A unit whose file is in /etc/systemd/system cannot be masked.
	installUnit(t, "tend-m2", unitFile(""))
	_, err = converge(t, bind(t, live, attrs{"name": str("tend-m2"), "masked": cty.True}))
	wantErr(t, err, "masking tend-m2.service", "its unit file is in /etc/systemd/system")
}

func TestInsideJobTimeout(t *testing.T) {
	inside(t)
	installUnit(t, "tend-slow", "[Service]\nExecStartPre=/bin/sleep 30\nExecStart=/bin/sleep infinity\n")
	r := bind(t, live, attrs{"name": str("tend-slow"), "ensure": str("running"), "job_timeout": cty.NumberIntVal(1)})
	start := time.Now()
	_, err := converge(t, r)
	wantErr(t, err, "start tend-slow.service: the job did not finish within 1s (job_timeout)", "tend-slow.service is activating (start-pre)")
	if took := time.Since(start); took > 15*time.Second {
		t.Fatalf("took %v", took)
	}
}

func TestInsideReloadUnsupported(t *testing.T) {
	inside(t)
	installUnit(t, "tend-r", unitFile(""))
	mustConverge(t, bind(t, live, attrs{"name": str("tend-r"), "ensure": str("running")}))
	pid := show(t, "tend-r", "MainPID")
	err := bind(t, live, attrs{"name": str("tend-r"), "refresh": str("reload")}).Refresh(context.Background())
	wantErr(t, err, "tend-r.service cannot reload now", `set refresh = "restart"`)
	if show(t, "tend-r", "MainPID") != pid {
		t.Fatal("a refused reload restarted the unit")
	}
	r := bind(t, live, attrs{"name": str("tend-r")})
	if err := r.Refresh(context.Background()); err != nil || r.Output() != "restarted tend-r.service" || show(t, "tend-r", "MainPID") == pid {
		t.Fatalf("reload-or-restart: %v, %q", err, r.Output())
	}
}

// TestInsideParallel converges several services at once over the one
// shared connection, as the engine's parallel walk does.
func TestInsideParallel(t *testing.T) {
	inside(t)
	const n = 8
	for i := range n {
		installUnit(t, fmt.Sprintf("tend-p%d", i), unitFile(""))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		r := bind(t, live, attrs{"name": str(fmt.Sprintf("tend-p%d", i)), "ensure": str("running"), "enable": cty.True})
		wg.Go(func() { _, errs[i] = converge(t, r) })
	}
	wg.Wait()
	t.Logf("%d services enabled and started in %v", n, time.Since(start).Round(time.Millisecond))
	for i, err := range errs {
		if err != nil || query("systemctl", "is-active", fmt.Sprintf("tend-p%d", i)) != "active" {
			t.Errorf("tend-p%d: %v", i, err)
		}
	}
}

// noBus is a system bus address where no bus listens.
const noBus = "unix:path=/nonexistent/system_bus_socket"

// TestInsidePrivateSocket reads a unit without a D-Bus daemon to talk
// through: the connection falls back to systemd's private socket. It runs
// itself again in a process that cannot reach the bus, since the
// connection is shared by the whole process.
func TestInsidePrivateSocket(t *testing.T) {
	inside(t)
	if os.Getenv("DBUS_SYSTEM_BUS_ADDRESS") != noBus {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestInsidePrivateSocket$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+noBus)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestInsidePrivateSocket") {
			t.Fatalf("without a bus: %v\n%s", err, out)
		}
		return
	}
	st, err := bind(t, live, attrs{"name": str("dbus")}).Read(context.Background())
	if err != nil || st["load"] != "loaded" || st["active"] != "active" {
		t.Fatalf("state %v, %v", st, err)
	}
}
