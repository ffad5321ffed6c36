package systemd

import (
	"context"
	"fmt"
	"strings"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/tendhq/tend/resources"
)

// settleTime is how long a just started simple service is watched: systemd
// reports its start job done once the process is forked, before it could
// fail to execute or exit at once.
const settleTime = time.Second

// Apply carries out the plan in the order that keeps each step possible:
// daemon-reload, unmask, enable or disable, stop, mask, start. Every step
// starts from a fresh look at the unit, so a step that needs none is not
// taken.
func (r *service) Apply(ctx context.Context, c resources.Change) error {
	r.output, r.started = "", false
	if c.Action != resources.Create && c.Action != resources.Update {
		return fmt.Errorf("service cannot apply a %s change", c.Action)
	}
	if r.root != "" {
		return r.applyOffline(ctx)
	}
	conn, err := connect(ctx)
	if err != nil {
		return err
	}
	o, err := r.prepare(ctx, conn)
	if err != nil {
		return err
	}
	for _, step := range []func(context.Context, *sdbus.Conn, observation) (observation, error){
		r.unmask, r.applyEnable, r.stop, r.mask, r.start,
	} {
		if o, err = step(ctx, conn, o); err != nil {
			return err
		}
	}
	return nil
}

// prepare reloads systemd's configuration when the unit's files changed
// on disk or the unit is not loaded (its package or file may have arrived
// since), and fails for a unit that is still missing or cannot load.
func (r *service) prepare(ctx context.Context, conn *sdbus.Conn) (observation, error) {
	o, err := observe(ctx, conn, r.unit)
	if err == nil && (o.needReload || o.load == "not-found") {
		o, err = r.daemonReload(ctx, conn)
	}
	if err != nil {
		return o, err
	}
	switch o.load {
	case "loaded", "masked":
		return o, nil
	case "not-found":
		if r.masked != nil && *r.masked {
			return o, nil // masking needs no unit file
		}
		return o, fmt.Errorf("%s not found: no package or unit file provides it", r.unit)
	}
	return o, r.withLogs(ctx, fmt.Errorf("%s cannot be loaded (%s)", r.unit, o.load), time.Time{})
}

// daemonReload makes systemd read every unit file again (systemctl
// daemon-reload), bounded like a job, and looks at the unit afresh.
func (r *service) daemonReload(ctx context.Context, conn *sdbus.Conn) (observation, error) {
	rctx, cancel := context.WithTimeout(ctx, r.jobTimeout)
	defer cancel()
	if err := conn.ReloadContext(rctx); err != nil {
		return observation{}, fmt.Errorf("daemon-reload: %w", err)
	}
	r.did("daemon-reload")
	return observe(ctx, conn, r.unit)
}

func (r *service) unmask(ctx context.Context, conn *sdbus.Conn, o observation) (observation, error) {
	if r.masked == nil || *r.masked || !o.masked() {
		return o, nil
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := conn.UnmaskUnitFilesContext(cctx, []string{r.unit}, o.file == "masked-runtime"); err != nil {
		return o, fmt.Errorf("unmasking %s: %w", r.unit, err)
	}
	r.did("unmasked " + r.unit)
	o, err := r.daemonReload(ctx, conn)
	if err == nil && o.load == "not-found" {
		err = fmt.Errorf("%s was unmasked, but no unit file provides it", r.unit)
	}
	return o, err
}

func (r *service) applyEnable(ctx context.Context, conn *sdbus.Conn, o observation) (observation, error) {
	if r.enable == nil || o.masked() {
		return o, nil
	}
	ok, err := enableSatisfied(r.unit, *r.enable, o.file)
	if err != nil || ok {
		return o, err
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if *r.enable {
		install, _, err := conn.EnableUnitFilesContext(cctx, []string{r.unit}, false, false)
		if err != nil {
			return o, fmt.Errorf("enabling %s: %w", r.unit, err)
		}
		if !install {
			return o, fmt.Errorf("%s has no [Install] section: it cannot be enabled", r.unit)
		}
	} else if _, err := conn.DisableUnitFilesContext(cctx, []string{r.unit}, o.file == "enabled-runtime"); err != nil {
		return o, fmt.Errorf("disabling %s: %w", r.unit, err)
	}
	r.did(enableWord(*r.enable) + " " + r.unit)
	// Like systemctl enable: the manager must see the new links.
	return r.daemonReload(ctx, conn)
}

func (r *service) stop(ctx context.Context, conn *sdbus.Conn, o observation) (observation, error) {
	if r.ensure != "stopped" || o.stopped() {
		return o, nil
	}
	since := time.Now()
	err := runJob(ctx, r.jobTimeout, "stop "+r.unit, func(ctx context.Context, ch chan<- string) (int, error) {
		return conn.StopUnitContext(ctx, r.unit, "replace", ch)
	})
	if err != nil {
		return o, r.withLogs(ctx, err, since)
	}
	r.did("stopped " + r.unit)
	return observe(ctx, conn, r.unit)
}

func (r *service) mask(ctx context.Context, conn *sdbus.Conn, o observation) (observation, error) {
	if r.masked == nil || !*r.masked || o.masked() {
		return o, nil
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := conn.MaskUnitFilesContext(cctx, []string{r.unit}, false, false); err != nil {
		if strings.Contains(err.Error(), "already exists") {
			err = fmt.Errorf("%w (its unit file is in /etc/systemd/system, where the mask would go: remove the file instead)", err)
		}
		return o, fmt.Errorf("masking %s: %w", r.unit, err)
	}
	r.did("masked " + r.unit)
	return r.daemonReload(ctx, conn)
}

func (r *service) start(ctx context.Context, conn *sdbus.Conn, o observation) (observation, error) {
	if r.ensure != "running" || o.running() {
		return o, nil
	}
	err := r.startJob(ctx, conn, "start", func(ctx context.Context, ch chan<- string) (int, error) {
		return conn.StartUnitContext(ctx, r.unit, "replace", ch)
	})
	if err != nil {
		return o, err
	}
	r.started = true
	r.did("started " + r.unit)
	return observe(ctx, conn, r.unit)
}

// startJob runs a job that starts the unit's processes (start, restart),
// watches a simple service settle, and puts the unit's state and last log
// lines in the error when it fails.
func (r *service) startJob(ctx context.Context, conn *sdbus.Conn, verb string, start startFunc) error {
	since := time.Now()
	err := runJob(ctx, r.jobTimeout, verb+" "+r.unit, start)
	if err == nil {
		err = r.settle(ctx, conn)
	}
	if err != nil {
		return r.withLogs(ctx, err, since)
	}
	return nil
}

// settle watches a simple or idle service for settleTime after its start
// job: one that fails or exits at once (a missing binary, a bad option)
// failed to start, though its job said done.
func (r *service) settle(ctx context.Context, conn *sdbus.Conn) error {
	if !strings.HasSuffix(r.unit, ".service") {
		return nil
	}
	p, err := conn.GetServicePropertyContext(ctx, r.unit, "Type")
	if err != nil {
		return fmt.Errorf("reading %s's type: %w", r.unit, err)
	}
	if t, _ := p.Value.Value().(string); t != "simple" && t != "idle" {
		return nil
	}
	deadline := time.Now().Add(settleTime)
	for {
		o, err := observe(ctx, conn, r.unit)
		if err != nil {
			return err
		}
		if o.stopped() || o.sub == "auto-restart" {
			return fmt.Errorf("start %s: the service exited right after starting", r.unit)
		}
		if time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(settleTime / 10):
		}
	}
}
