package systemd

import (
	"context"
	"fmt"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
)

// Refresh reloads or restarts the unit for a notify event. A unit this
// run just started already runs the new configuration, and a stopped unit
// that is not ensured running stays stopped; neither is touched. Offline
// nothing runs, so nothing is refreshed.
func (r *service) Refresh(ctx context.Context) error {
	r.output, r.live = "", false
	switch {
	case r.root != "":
		r.output = "not refreshed: nothing runs offline under " + r.root
		return nil
	case r.started:
		// Only the first refresh: one after a rollback must load the
		// configuration put back.
		r.started, r.live = false, true
		r.output = "not refreshed: " + r.unit + " was started by this run, with its new configuration"
		return nil
	}
	conn, err := connect(ctx)
	if err != nil {
		return err
	}
	o, err := observe(ctx, conn, r.unit)
	if err == nil && o.needReload {
		o, err = r.daemonReload(ctx, conn)
	}
	if err != nil {
		return err
	}
	if !o.running() && o.active != "activating" {
		if r.ensure != "running" {
			r.output = "not refreshed: " + r.unit + " is " + o.status()
			return nil
		}
		r.live = true
		_, err := r.start(ctx, conn, o)
		return err
	}
	verb, err := r.refreshVerb(o)
	if err != nil {
		return err
	}
	r.live = true
	return r.reloadOrRestart(ctx, conn, verb)
}

// Live reports whether the latest Refresh reached the running unit, so
// that its health checks mean something.
func (r *service) Live() bool { return r.live }

// refreshVerb chooses between reload and restart. An activating unit
// (starting, or waiting to restart) cannot reload.
func (r *service) refreshVerb(o observation) (string, error) {
	switch {
	case r.refresh == "restart":
		return "restart", nil
	case o.canReload && o.running():
		return "reload", nil
	case r.refresh == "reload":
		return "", fmt.Errorf("%s cannot reload now (it is %s, or has no ExecReload); set refresh = \"restart\" or \"reload-or-restart\"", r.unit, o.status())
	}
	return "restart", nil
}

func (r *service) reloadOrRestart(ctx context.Context, conn *sdbus.Conn, verb string) error {
	if verb == "reload" {
		since := time.Now()
		err := runJob(ctx, r.jobTimeout, "reload "+r.unit, func(ctx context.Context, ch chan<- string) (int, error) {
			return conn.ReloadUnitContext(ctx, r.unit, "replace", ch)
		})
		if err != nil {
			return r.withLogs(ctx, err, since)
		}
		r.did("reloaded " + r.unit)
		return nil
	}
	err := r.startJob(ctx, conn, "restart", func(ctx context.Context, ch chan<- string) (int, error) {
		return conn.RestartUnitContext(ctx, r.unit, "replace", ch)
	})
	if err == nil {
		r.did("restarted " + r.unit)
	}
	return err
}

// Recover restarts the unit after a rollback put its previous
// configuration back: a reload would not revive a daemon the rolled-back
// configuration made exit. Offline nothing runs.
func (r *service) Recover(ctx context.Context) error {
	r.output, r.live = "", false
	if r.root != "" {
		r.output = "not restarted: nothing runs offline under " + r.root
		return nil
	}
	conn, err := connect(ctx)
	if err != nil {
		return err
	}
	r.live = true
	return r.reloadOrRestart(ctx, conn, "restart")
}
