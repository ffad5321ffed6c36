package accounts

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tendhq/tend/resources"
)

// toolTimeout bounds one shadow utility: they wait for each other's lock
// files, and a stale lock must fail the resource, not hang the run.
const toolTimeout = 60 * time.Second

// toolMu serializes this process's account changes. The utilities lock
// the files themselves, but give up quickly on contention; resources of a
// run are applied in parallel.
var toolMu sync.Mutex

// runTool runs one shadow utility against the run's root: with --prefix
// when it is not /, so the root's own files and login.defs are used and
// nothing is chrooted into (a minimal tree needs no binaries of its own).
func runTool(ctx context.Context, env resources.Env, name string, args ...string) error {
	if root := env.Path("/"); root != "/" {
		args = append([]string{"--prefix", root}, args...)
	}
	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	toolMu.Lock()
	defer toolMu.Unlock()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own group, killed whole on timeout; it dies with tend.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (killed)", ctx.Err())
	}
	msg := strings.TrimSpace(out.String())
	if len(msg) > 2048 {
		msg = msg[len(msg)-2048:]
	}
	if msg != "" {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, msg)
	}
	return fmt.Errorf("%s %s: %v", name, strings.Join(args, " "), err)
}
