package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/tendhq/tend/resources"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Deadlines bound every call tend makes to a provider process. A provider
// that has not answered by then is killed. Zero fields take the defaults.
type Deadlines struct {
	// Apply bounds Apply, Refresh and ApplyBatch. Default 5 minutes.
	Apply time.Duration
	// Call bounds starting the provider and every other call. Default 1
	// minute.
	Call time.Duration
}

func (d Deadlines) apply() time.Duration { return orDefault(d.Apply, 5*time.Minute) }

func (d Deadlines) call() time.Duration { return orDefault(d.Call, time.Minute) }

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Command says how to start one provider process.
type Command struct {
	// Name names the provider in messages.
	Name string
	// Path is the executable; Args its full argument list, argv[0]
	// included.
	Path string
	Args []string
	// Sum, when set, is the SHA-256 the executable must have. The file is
	// copied into sealed memory while it is hashed and that copy is what
	// runs, so the bytes checked are the bytes executed.
	Sum []byte
}

// Process is a provider running as a child process, served over gRPC. It
// is a Provider: every call runs under a deadline, and a call that gets no
// answer (the process panicked, exited or hung) kills the process and
// fails with the end of its stderr. Every later call fails at once with
// that cause; the process is not restarted within a run.
type Process struct {
	name   string
	pid    int
	client *goplugin.Client
	rpc    *grpcClient
	stderr *capture
	d      Deadlines

	mu   sync.Mutex
	dead error
}

var _ BatchApplier = (*Process)(nil)

// Start starts a provider process and completes the handshake.
func Start(c Command, d Deadlines) (*Process, error) {
	path, extra := c.Path, []*os.File(nil)
	if c.Sum != nil {
		mem, err := sealedCopy(c.Path, c.Name, c.Sum)
		if err != nil {
			return nil, err
		}
		defer mem.Close()
		path, extra = "/proc/self/fd/3", []*os.File{mem}
	}
	stderr := newCapture(stderrLimit)
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          goplugin.PluginSet{pluginName: &grpcPlugin{}},
		RunnerFunc:       runnerFor(path, c.Args, extra),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     d.call(),
		Logger:           hclog.NewNullLogger(), // what matters reaches stderr, and errors
		Stderr:           stderr,
		SyncStderr:       stderr,
		SyncStdout:       io.Discard,
	})
	p := &Process{name: c.Name, client: client, stderr: stderr, d: d}
	if err := p.connect(); err != nil {
		client.Kill()
		return nil, fmt.Errorf("starting provider %s: %w; %s", c.Name, err, stderr)
	}
	return p, nil
}

func (p *Process) connect() error {
	proto, err := p.client.Client()
	if err != nil {
		return err
	}
	raw, err := proto.Dispense(pluginName)
	if err != nil {
		return err
	}
	rpc, ok := raw.(*grpcClient)
	if !ok {
		return fmt.Errorf("unexpected plugin client %T", raw)
	}
	p.rpc = rpc
	p.pid, _ = strconv.Atoi(p.client.ID())
	return nil
}

// Name is the provider's name, as Command gave it.
func (p *Process) Name() string { return p.name }

// Pid is the provider process's id.
func (p *Process) Pid() int { return p.pid }

// Kill ends the provider process and waits until it is gone. It may be
// called more than once.
func (p *Process) Kill() { p.client.Kill() }

// call runs f under the deadline for op and turns a failed call into the
// provider's death.
func (p *Process) call(ctx context.Context, op string, long bool, req *Request, f func(ctx context.Context) error) error {
	if err := p.failed(); err != nil {
		return err
	}
	limit := p.d.call()
	if long {
		limit = p.d.apply()
	}
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	err := f(cctx)
	var te *transportError
	if !errors.As(err, &te) {
		return err
	}
	if ctx.Err() != nil { // the run was cancelled, not the provider's fault
		return fmt.Errorf("cancelled: %w", ctx.Err())
	}
	what := op
	if req != nil && req.Config != nil {
		what += " of " + req.Config.Addr.String()
	}
	st := status.Convert(te.err)
	// The deadline travels with the call: the provider's side may give up
	// (and cancel the stream) a moment before this side's timer fires.
	if cctx.Err() != nil || st.Code() == codes.DeadlineExceeded || st.Code() == codes.Canceled {
		return p.broke(fmt.Sprintf("did not answer %s within %s and was killed", what, limit))
	}
	if st.Code() == codes.Unavailable {
		return p.broke(fmt.Sprintf("stopped answering during %s (%s)", what, st.Message()))
	}
	return p.broke(fmt.Sprintf("gave no usable answer to %s (%s)", what, st.Message()))
}

func (p *Process) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dead
}

// broke kills the process and records why. The call that saw it happen
// gets the end of the provider's stderr; later calls get the cause alone.
func (p *Process) broke(why string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead != nil {
		return p.dead
	}
	p.client.Kill() // returns once the process is gone and its stderr read to the end
	p.dead = fmt.Errorf("provider %s is not running: it %s", p.name, why)
	return fmt.Errorf("provider %s %s; %s", p.name, why, p.stderr)
}

func (p *Process) Schemas(ctx context.Context) ([]resources.Schema, error) {
	var out []resources.Schema
	err := p.call(ctx, "schemas", false, nil, func(ctx context.Context) (err error) {
		out, err = p.rpc.Schemas(ctx)
		return err
	})
	return out, err
}

func (p *Process) Bind(ctx context.Context, req Request) (Binding, error) {
	var b Binding
	err := p.call(ctx, "bind", false, &req, func(ctx context.Context) (err error) {
		b, err = p.rpc.Bind(ctx, req)
		return err
	})
	return b, err
}

func (p *Process) Read(ctx context.Context, req Request) (resources.State, error) {
	var st resources.State
	err := p.call(ctx, "read", false, &req, func(ctx context.Context) (err error) {
		st, err = p.rpc.Read(ctx, req)
		return err
	})
	return st, err
}

func (p *Process) Plan(ctx context.Context, req Request, observed resources.State) (resources.Change, error) {
	var c resources.Change
	err := p.call(ctx, "plan", false, &req, func(ctx context.Context) (err error) {
		c, err = p.rpc.Plan(ctx, req, observed)
		return err
	})
	return c, err
}

func (p *Process) Apply(ctx context.Context, req Request, c resources.Change) (Result, error) {
	var res Result
	err := p.call(ctx, "apply", true, &req, func(ctx context.Context) (err error) {
		res, err = p.rpc.Apply(ctx, req, c)
		return err
	})
	return res, err
}

func (p *Process) Verify(ctx context.Context, req Request) error {
	return p.call(ctx, "verify", false, &req, func(ctx context.Context) error {
		return p.rpc.Verify(ctx, req)
	})
}

func (p *Process) Refresh(ctx context.Context, req Request) (Result, error) {
	var res Result
	err := p.call(ctx, "refresh", true, &req, func(ctx context.Context) (err error) {
		res, err = p.rpc.Refresh(ctx, req)
		return err
	})
	return res, err
}

func (p *Process) ApplyBatch(ctx context.Context, items []BatchItem) ([]Result, []error) {
	var results []Result
	var errs []error
	err := p.call(ctx, "batch apply", true, nil, func(ctx context.Context) error {
		results, errs = p.rpc.ApplyBatch(ctx, items)
		for _, e := range errs {
			var te *transportError
			if errors.As(e, &te) {
				return e // one call: every item got this error
			}
		}
		return nil
	})
	if err != nil {
		return make([]Result, len(items)), sameError(len(items), err)
	}
	return results, errs
}
