package plugin

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin/runner"
)

// pipeDrain is how long, after a provider process was killed, tend keeps
// reading what it wrote before closing the pipes.
const pipeDrain = time.Second

// procRunner starts a provider process in a process group of its own,
// with PDEATHSIG, and makes killing it final: the whole group is killed
// and, pipeDrain later, the pipes its stdout and stderr are read from are
// closed. Otherwise go-plugin would wait for every process holding them
// — one the provider started and that left the group with setsid could
// keep tend waiting for as long as it lives.
type procRunner struct {
	cmd            *exec.Cmd
	stdout, stderr *os.File // the read ends
	pid            int
	closing        sync.Once
}

var _ runner.Runner = (*procRunner)(nil)

// runnerFor returns go-plugin's RunnerFunc for the command c describes;
// go-plugin's spec brings the environment.
func runnerFor(path string, args []string, extra []*os.File) func(hclog.Logger, *exec.Cmd, string) (runner.Runner, error) {
	return func(_ hclog.Logger, spec *exec.Cmd, _ string) (runner.Runner, error) {
		outR, outW, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		errR, errW, err := os.Pipe()
		if err != nil {
			outR.Close()
			outW.Close()
			return nil, err
		}
		cmd := &exec.Cmd{Path: path, Args: args, Env: spec.Env, ExtraFiles: extra, Stdout: outW, Stderr: errW,
			// The group lets Kill reach what the provider started; the
			// provider dies with tend, even when tend is killed.
			SysProcAttr: &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}}
		return &procRunner{cmd: cmd, stdout: outR, stderr: errR}, nil
	}
}

func (r *procRunner) Start(context.Context) error {
	err := r.cmd.Start()
	// The child has its copies of the write ends; without closing ours,
	// the read ends would never see the end of the file.
	r.cmd.Stdout.(*os.File).Close()
	r.cmd.Stderr.(*os.File).Close()
	if err != nil {
		r.closePipes()
		return err
	}
	r.pid = r.cmd.Process.Pid
	return nil
}

func (r *procRunner) Wait(context.Context) error { return r.cmd.Wait() }

// Kill kills the provider's process group and closes its pipes soon
// after. It may be called more than once.
func (r *procRunner) Kill(context.Context) error {
	if r.pid == 0 {
		return nil
	}
	err := syscall.Kill(-r.pid, syscall.SIGKILL)
	time.AfterFunc(pipeDrain, r.closePipes)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

func (r *procRunner) closePipes() {
	r.closing.Do(func() {
		r.stdout.Close()
		r.stderr.Close()
	})
}

func (r *procRunner) Stdout() io.ReadCloser { return r.stdout }

func (r *procRunner) Stderr() io.ReadCloser { return r.stderr }

func (r *procRunner) Name() string { return r.cmd.Path }

func (r *procRunner) ID() string {
	if r.pid == 0 {
		return ""
	}
	return strconv.Itoa(r.pid)
}

func (r *procRunner) Diagnose(context.Context) string { return "" }

func (r *procRunner) PluginToHost(network, addr string) (string, string, error) {
	return network, addr, nil
}

func (r *procRunner) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}
