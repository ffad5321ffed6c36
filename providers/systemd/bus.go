package systemd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
)

// shared is the process's one connection to systemd, shared by every
// service resource of a run: each connection costs two sockets and an
// authentication. It lives until the process ends.
var shared struct {
	mu   sync.Mutex
	conn *sdbus.Conn
}

// runningSystemd is where systemd says it is running (sd_booted(3)).
const runningSystemd = "/run/systemd/system"

// connect returns the shared connection, dialing it on first use or when
// it broke. The connection outlives ctx (a canceled context would close
// it); only the dial is bounded by ctx.
func connect(ctx context.Context) (*sdbus.Conn, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.conn != nil && shared.conn.Connected() {
		return shared.conn, nil
	}
	if _, err := os.Stat(runningSystemd); err != nil {
		return nil, errors.New("systemd is not running here (no " + runningSystemd + "); to prepare a tree that has not booted, use --root")
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	type dialed struct {
		conn *sdbus.Conn
		err  error
	}
	ch := make(chan dialed, 1)
	go func() {
		defer func() { // a panic in the D-Bus library fails the call, not tend
			if p := recover(); p != nil {
				ch <- dialed{err: fmt.Errorf("connecting to systemd: panic: %v", p)}
			}
		}()
		c, err := dial(context.WithoutCancel(ctx))
		ch <- dialed{c, err}
	}()
	select {
	case d := <-ch:
		shared.conn = d.conn
		return d.conn, d.err
	case <-ctx.Done():
		go func() { // close a connection that arrives too late
			if d := <-ch; d.conn != nil {
				d.conn.Close()
			}
		}()
		return nil, fmt.Errorf("connecting to systemd: %w", ctx.Err())
	}
}

// dial connects through the system bus and, when there is no D-Bus
// daemon, straight to systemd's private socket (root only).
func dial(ctx context.Context) (*sdbus.Conn, error) {
	c, err := sdbus.NewSystemConnectionContext(ctx)
	if err == nil {
		return c, nil
	}
	c, err2 := sdbus.NewSystemdConnectionContext(ctx)
	if err2 != nil {
		return nil, fmt.Errorf("connecting to systemd: system bus: %v; private socket: %v", err, err2)
	}
	return c, nil
}

// callTimeout bounds a D-Bus call that only reads or links files: a hung
// systemd must fail the resource, not hang the run.
const callTimeout = 30 * time.Second

// startFunc enqueues a job whose result is sent to the channel.
type startFunc func(ctx context.Context, result chan<- string) (int, error)

// JobError is a systemd job that ended other than "done".
type JobError struct {
	// Job is what was asked, such as "start postfix.service".
	Job string
	// Result is systemd's: "failed", "timeout", "canceled", "dependency",
	// "skipped" or "invalid".
	Result string
}

func (e *JobError) Error() string { return fmt.Sprintf("%s: job %s", e.Job, e.Result) }

// runJob enqueues a job and waits, at most timeout, for its result. A job
// that does not finish in time is left to systemd, still queued or
// running.
func runJob(ctx context.Context, timeout time.Duration, what string, start startFunc) error {
	jctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Buffered: the connection's dispatcher blocks on an unread channel,
	// which would stall every other job after a timeout.
	result := make(chan string, 1)
	if _, err := start(jctx, result); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	select {
	case r := <-result:
		if r != "done" {
			return &JobError{Job: what, Result: r}
		}
		return nil
	case <-jctx.Done():
		if ctx.Err() != nil {
			return fmt.Errorf("%s: interrupted while waiting for the job: %w", what, ctx.Err())
		}
		return fmt.Errorf("%s: the job did not finish within %v (job_timeout); systemd may still be running it", what, timeout)
	}
}

// observation is what systemd says about a unit.
type observation struct {
	load, active, sub string
	// file is the UnitFileState: enabled, disabled, static, masked, ...
	file       string
	needReload bool
	canReload  bool
}

// observe reads the unit's properties. Asking for an unknown unit is not
// an error: systemd loads it on demand and says "not-found".
func observe(ctx context.Context, c *sdbus.Conn, unit string) (observation, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	p, err := c.GetUnitPropertiesContext(ctx, unit)
	if err != nil {
		return observation{}, fmt.Errorf("reading %s from systemd: %w", unit, err)
	}
	str := func(k string) string { s, _ := p[k].(string); return s }
	flag := func(k string) bool { b, _ := p[k].(bool); return b }
	return observation{
		load: str("LoadState"), active: str("ActiveState"), sub: str("SubState"),
		file: str("UnitFileState"), needReload: flag("NeedDaemonReload"), canReload: flag("CanReload"),
	}, nil
}

func (o observation) masked() bool {
	return o.load == "masked" || o.file == "masked" || o.file == "masked-runtime"
}

// running is an active unit, or one reloading (which stays active).
func (o observation) running() bool { return o.active == "active" || o.active == "reloading" }

// stopped is an inactive unit, or one whose last run failed.
func (o observation) stopped() bool { return o.active == "inactive" || o.active == "failed" }

// status is how a reason shows the unit's state: "inactive (dead)".
func (o observation) status() string { return o.active + " (" + o.sub + ")" }
