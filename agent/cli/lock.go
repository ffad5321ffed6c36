package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/runlock"
)

// lockRun takes the run lock every command that changes the host or
// tend's state holds, creating the state directory first. ok is false
// when the command must exit with code: exit 5 naming the holder when
// another run holds the lock past wait.
func lockRun(ctx context.Context, env *cmdEnv, name, stateDir string, wait time.Duration) (l *runlock.Lock, code int, ok bool) {
	if err := ensureStateDir(stateDir); err != nil {
		fmt.Fprintf(env.stderr, "tend %s: state directory: %v\n", name, err)
		return nil, exitUsage, false
	}
	l, err := runlock.Wait(ctx, stateDir, runlock.Holder{PID: env.visiblePID(), Command: "tend " + name}, wait)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend %s: %v; not running\n", name, err)
		if errors.As(err, new(*runlock.HeldError)) {
			return nil, runlock.ExitLocked, false
		}
		return nil, exitUsage, false
	}
	return l, 0, true
}

// visiblePID is the pid an administrator sees for this run: the
// supervisor's (systemd's MainPID) when this process is its child.
func (env *cmdEnv) visiblePID() int {
	if env.link.Supervised() {
		return os.Getppid()
	}
	return os.Getpid()
}

// finished marks a locked run as finished (it recorded its result, or did
// nothing) and returns code; a run that cannot say so is left looking
// unfinished to monitoring, which is the truth.
func finished(env *cmdEnv, l *runlock.Lock, code int) int {
	if err := l.Finish(); err != nil {
		fmt.Fprintf(env.stderr, "tend: marking the run as finished: %v\n", err)
	}
	return code
}

// warnDisabled tells whoever applies by hand that scheduled runs are
// disabled, by whom, why and until when: the run goes ahead, the disable
// stays.
func warnDisabled(env *cmdEnv, name, stateDir string) {
	s, err := disable.Peek(stateDir, time.Now())
	switch {
	case err != nil:
		fmt.Fprintf(env.stderr, "tend %s: warning: %v\n", name, err)
	case s != nil:
		fmt.Fprintf(env.stderr, "tend %s: note: scheduled runs are %s; this run goes ahead, scheduled runs stay disabled (tend enable lifts it)\n", name, s)
	}
}

// warnRunning tells a reader of the host (a plan) that a run is changing
// it right now. It never waits for the lock nor takes it.
func warnRunning(env *cmdEnv, name, stateDir string) {
	if stateDir == "" {
		return
	}
	st, err := runlock.Peek(stateDir)
	if err == nil && st.Running {
		fmt.Fprintf(env.stderr, "tend %s: a run is in progress (%s): this plan may be outdated\n", name, st.Last)
	}
}
