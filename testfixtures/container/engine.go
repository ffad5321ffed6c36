package container

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Engine is what boots a container: the same root file system, booted by
// systemd-nspawn or by LXC. Tests see the same API either way; Exec
// enters the container's namespaces with nsenter under both.
type Engine string

const (
	// Nspawn boots with systemd-nspawn --boot --private-network (the
	// default).
	Nspawn Engine = "nspawn"
	// LXC boots with lxc-start, privileged, with lxc.net.0.type = empty:
	// loopback only, like --private-network. LXC makes the container's
	// cgroup itself (lxc.payload.NAME).
	LXC Engine = "lxc"
)

// engineOf is the engine opts ask for.
func engineOf(opts Options) (Engine, error) {
	switch opts.Engine {
	case "", Nspawn:
		return Nspawn, nil
	case LXC:
		return LXC, nil
	}
	return "", fmt.Errorf("unknown container engine %q (nspawn or lxc)", opts.Engine)
}

// command is the process that runs the booted container in the
// foreground, as a child of the test, until it shuts down; console is
// where the container's console output goes.
func (c *Container) command(console string) (*exec.Cmd, func() error, error) {
	if err := c.checkBinds(); err != nil {
		return nil, nil, err
	}
	if c.engine == LXC {
		cmd, err := c.lxcCommand(console)
		return cmd, func() error { return nil }, err
	}
	return c.nspawnCommand()
}

func (c *Container) checkBinds() error {
	for _, b := range c.binds {
		if !filepath.IsAbs(b.Host) || !filepath.IsAbs(b.Path) || strings.ContainsAny(b.Host+b.Path, ": \t\n") {
			return fmt.Errorf("bind %s at %s: both paths must be absolute, without a colon or white space", b.Host, b.Path)
		}
	}
	return nil
}

// nspawnCommand runs systemd-nspawn in a cgroup of its own (see cgroup);
// the returned function removes that cgroup once nspawn has exited.
func (c *Container) nspawnCommand() (*exec.Cmd, func() error, error) {
	args := []string{"--directory=" + c.root, "--machine=" + c.name,
		"--register=no", "--keep-unit", "--boot", "--private-network",
		"--console=read-only", "--setenv=SYSTEMD_COLORS=0"}
	for _, b := range c.binds {
		args = append(args, "--bind-ro="+b.Host+":"+b.Path)
	}
	group, err := newCgroup(c.name)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command("/bin/sh", append([]string{"-c", group.enterScript(), "sh"}, args...)...)
	return cmd, group.remove, nil
}

// lxcConfig is a privileged LXC container on the copied root file system
// with only loopback, its console logged; binds are added read-only.
const lxcConfig = `lxc.uts.name = %s
lxc.rootfs.path = dir:%s
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed
lxc.autodev = 1
lxc.pty.max = 16
lxc.tty.max = 0
lxc.environment = SYSTEMD_COLORS=0
lxc.console.logfile = %s
lxc.log.file = %s
lxc.log.level = WARN
`

// lxcCommand writes the container's LXC configuration beside its root
// file system and runs lxc-start in the foreground on it.
func (c *Container) lxcCommand(console string) (*exec.Cmd, error) {
	conf := fmt.Sprintf(lxcConfig, hostname, c.root, console, filepath.Join(c.dir, "lxc.log"))
	for _, b := range c.binds {
		conf += fmt.Sprintf("lxc.mount.entry = %s %s none bind,ro,create=dir 0 0\n", b.Host, strings.TrimPrefix(b.Path, "/"))
	}
	if err := os.MkdirAll(filepath.Join(c.dir, c.name), 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(c.dir, c.name, "config")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	return exec.Command("lxc-start", "--foreground", "--name="+c.name, "--lxcpath="+c.dir, "--rcfile="+path), nil
}

// askToStop asks the container for an orderly shutdown: SIGTERM to nspawn
// does that; lxc-stop does it for LXC (SIGPWR to its init), in the
// background, since the caller waits for the container to end.
func (c *Container) askToStop(p *process) {
	if c.engine != LXC {
		_ = p.engine.Process.Signal(syscall.SIGTERM)
		return
	}
	stop := exec.Command("lxc-stop", "--name="+c.name, "--lxcpath="+c.dir, "--timeout="+fmt.Sprint(int(stopTimeout/time.Second)))
	stop.Env = cleanEnv()
	_ = stop.Start()
	go func() { _ = stop.Wait() }()
}

// engineMissing says why e cannot run here, "" when it can.
func engineMissing(e Engine) string {
	if e != LXC {
		return ""
	}
	for _, tool := range []string{"lxc-start", "lxc-stop"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "missing " + tool + " (apt-get install lxc)"
		}
	}
	return ""
}
