package systemd

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// systemctlTimeout bounds one offline systemctl call, which only reads
// and links files.
const systemctlTimeout = 30 * time.Second

// systemctl runs systemctl --root on the tree and returns its trimmed
// standard output and error and its exit code. A non-zero exit is not an
// error here: is-enabled exits 1 for a disabled unit.
func (r *service) systemctl(ctx context.Context, args ...string) (stdout, stderr string, code int, err error) {
	ctx, cancel := context.WithTimeout(ctx, systemctlTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "systemctl", append([]string{"--root=" + r.root, "--no-pager"}, args...)...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "SYSTEMD_LOG_COLOR=0"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	if ee, exited := err.(*exec.ExitError); exited && ctx.Err() == nil {
		code, err = ee.ExitCode(), nil
	}
	return strings.TrimSpace(out.String()), strings.TrimSpace(errb.String()), code, err
}

// observeOffline reads the unit's enablement from the tree's unit files.
// Nothing runs there, so the active state is unknown and left out.
func (r *service) observeOffline(ctx context.Context) (observation, error) {
	state, stderr, _, err := r.systemctl(ctx, "is-enabled", r.unit)
	switch {
	case err != nil:
		return observation{}, fmt.Errorf("systemctl --root=%s is-enabled %s: %w", r.root, r.unit, err)
	case state == "" && strings.Contains(stderr, "No such file"):
		return observation{load: "not-found"}, nil
	case state == "":
		return observation{}, fmt.Errorf("systemctl --root=%s is-enabled %s: %s", r.root, r.unit, stderr)
	}
	o := observation{load: "loaded", file: state}
	if o.masked() {
		o.load = "masked"
	}
	return o, nil
}

// applyOffline links and unlinks unit files in the tree; starting and
// stopping wait for its boot.
func (r *service) applyOffline(ctx context.Context) error {
	o, err := r.observeOffline(ctx)
	if err != nil {
		return err
	}
	wantMasked := r.masked != nil && *r.masked
	if o.load == "not-found" && !wantMasked {
		return fmt.Errorf("%s not found under %s: no package or unit file provides it", r.unit, r.root)
	}
	if r.masked != nil && !*r.masked && o.masked() {
		if o, err = r.offlineStep(ctx, "unmask", "unmasked"); err != nil {
			return err
		}
	}
	if r.enable != nil && !o.masked() {
		ok, err := enableSatisfied(r.unit, *r.enable, o.file)
		if err != nil {
			return err
		}
		if !ok {
			verb := strings.TrimSuffix(enableWord(*r.enable), "d")
			if o, err = r.offlineStep(ctx, verb, verb+"d"); err != nil {
				return err
			}
		}
	}
	if wantMasked && !o.masked() {
		if _, err := r.offlineStep(ctx, "mask", "masked"); err != nil {
			return err
		}
	}
	if r.ensure == "running" {
		r.did("starting " + r.unit + " is deferred to boot")
	}
	return nil
}

func (r *service) offlineStep(ctx context.Context, verb, done string) (observation, error) {
	_, stderr, code, err := r.systemctl(ctx, verb, r.unit)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d: %s", code, stderr)
	}
	if err != nil {
		return observation{}, fmt.Errorf("systemctl --root=%s %s %s: %w", r.root, verb, r.unit, err)
	}
	r.did(done + " " + r.unit + " under " + r.root)
	return r.observeOffline(ctx)
}
