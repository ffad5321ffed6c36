package units

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// RunFunc is one agent run; it returns the run's exit code.
type RunFunc func(ctx context.Context) int

// Loop configures Daemon. The zero value runs every DefaultInterval with
// DefaultSplay and talks to systemd through $NOTIFY_SOCKET.
type Loop struct {
	Interval, Splay time.Duration
	// Notify sends an sd_notify(3) state; nil is go-systemd's SdNotify,
	// which does nothing outside a Type=notify service.
	Notify func(state string) error
	// Watchdog is the watchdog timeout; zero reads $WATCHDOG_USEC.
	Watchdog time.Duration
}

// Daemon runs run at once and then every Interval plus a random splay,
// until ctx ends (SIGTERM): READY=1 when it starts, WATCHDOG=1 at half
// the watchdog timeout, a STATUS= line before and after each run, and
// STOPPING=1 as soon as ctx ends. A run in progress gets the canceled
// context and is waited for.
func Daemon(ctx context.Context, l Loop, run RunFunc) error {
	l = l.withDefaults()
	if err := l.Notify(daemon.SdNotifyReady); err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	stopPings := l.pingWatchdog()
	stopped := make(chan struct{})
	context.AfterFunc(ctx, func() {
		stopPings() // the watchdog guards the running state only
		_ = l.Notify(daemon.SdNotifyStopping)
		close(stopped)
	})
	for n := 1; ctx.Err() == nil; n++ {
		_ = l.Notify(fmt.Sprintf("STATUS=run %d in progress", n))
		start := time.Now()
		code := run(ctx)
		if ctx.Err() != nil {
			break
		}
		wait := l.Interval
		if l.Splay > 0 {
			wait += rand.N(l.Splay)
		}
		now := time.Now()
		_ = l.Notify(fmt.Sprintf("STATUS=run %d exited %d after %s; next run at %s", n, code,
			now.Sub(start).Round(time.Millisecond), now.Add(wait).Format(time.RFC3339)))
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	<-stopped
	return nil
}

func (l Loop) withDefaults() Loop {
	if l.Interval <= 0 {
		l.Interval = DefaultInterval
	}
	if l.Splay < 0 {
		l.Splay = 0
	}
	if l.Notify == nil {
		l.Notify = func(s string) error {
			_, err := daemon.SdNotify(false, s)
			return err
		}
	}
	if l.Watchdog == 0 {
		l.Watchdog, _ = daemon.SdWatchdogEnabled(false)
	}
	return l
}

// pingWatchdog pings at half the timeout until the returned func is
// called; without a watchdog it does nothing.
func (l Loop) pingWatchdog() (stop func()) {
	if l.Watchdog <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer func() { _ = recover() }() // a failed ping lets the watchdog act, it does not end the run
		t := time.NewTicker(l.Watchdog / 2)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = l.Notify(daemon.SdNotifyWatchdog)
			}
		}
	}()
	return func() { close(done); <-finished }
}
