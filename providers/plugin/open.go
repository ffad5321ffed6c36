package plugin

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/tendhq/tend/resources"
)

// Options say which providers a run uses and how they run.
type Options struct {
	// Builtin lists the kinds compiled into tend, by provider name.
	Builtin map[string][]resources.Kind
	// Subprocess serves each built-in provider from a child process
	// (`tend providers serve NAME`, see ServeArgs) instead of in tend's
	// own process.
	Subprocess bool
	// Self is the tend executable that serves built-in providers as
	// subprocesses; "" means this process's executable.
	Self string
	// PluginDir holds external provider executables; "" means none.
	PluginDir string
	// LockFile pins the external providers that may run (see LockFile).
	LockFile  string
	Deadlines Deadlines
}

// ServeArgs are the arguments after argv[0] with which tend serves the
// built-in provider name as a subprocess.
func ServeArgs(name string) []string { return []string{"providers", "serve", name} }

// Set is the providers of one run: the registry of every kind they offer
// and the processes serving them.
type Set struct {
	Registry *resources.Registry
	procs    []*Process
}

// Open starts the providers opts name and collects their kinds. External
// providers run only when the lock pins their executable with its
// checksum; any other provider executable in the plugin directory is
// refused, and so the run. On error nothing is left running.
func Open(ctx context.Context, opts Options) (*Set, error) {
	var cmds []Command
	var local []named
	// In process, built-in kinds are registered as they are: the protocol's
	// Go face would only add a lookup per call (about 10 ms per 1000
	// files); the conformance tests hold Local and gRPC to the same
	// behaviour.
	direct := map[string][]resources.Kind{}
	for _, name := range sortedKeys(opts.Builtin) {
		if !opts.Subprocess {
			direct[name+" (built-in)"] = opts.Builtin[name]
			continue
		}
		c, err := builtinCommand(opts.Self, name)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
	}
	ext, err := externalCommands(opts.PluginDir, opts.LockFile)
	if err != nil {
		return nil, err
	}
	s := &Set{}
	s.procs, err = startAll(append(cmds, ext...), opts.Deadlines, opts.LockFile)
	if err != nil {
		return nil, err
	}
	for _, p := range s.procs {
		local = append(local, named{p.Name(), p})
	}
	if s.Registry, err = registry(ctx, direct, local); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Processes lists the provider processes of the run.
func (s *Set) Processes() []*Process { return s.procs }

// Close kills every provider process and waits until they are gone.
func (s *Set) Close() {
	if s == nil {
		return
	}
	var wg sync.WaitGroup
	for _, p := range s.procs {
		if p != nil {
			wg.Go(p.Kill)
		}
	}
	wg.Wait()
}

type named struct {
	name string
	p    Provider
}

func builtinCommand(self, name string) (Command, error) {
	if self == "" {
		var err error
		if self, err = os.Executable(); err != nil {
			return Command{}, fmt.Errorf("finding tend's executable to serve built-in providers: %w", err)
		}
	}
	// argv[0] is "tend" whatever the file is called: tend's main does not
	// care, and a test binary standing in for tend recognizes it.
	return Command{Name: name + " (built-in)", Path: self, Args: append([]string{"tend"}, ServeArgs(name)...)}, nil
}

// externalCommands checks every executable in the plugin directory
// against the lock before anything runs.
func externalCommands(dir, lockPath string) ([]Command, error) {
	found, err := FindExternal(dir)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	lock, err := ReadLock(lockPath)
	if err != nil {
		return nil, err
	}
	var cmds []Command
	var errs []error
	for _, f := range found {
		sum, ok := lock[f.Name]
		if !ok {
			errs = append(errs, fmt.Errorf("unknown provider binary %s: %s does not pin it, so it is not run; pin it with `tend providers lock`", f.Path, lockPath))
			continue
		}
		b, _ := hex.DecodeString(sum) // ReadLock checked it
		cmds = append(cmds, Command{Name: f.Name, Path: f.Path, Args: []string{ExecPrefix + f.Name}, Sum: b})
	}
	return cmds, errors.Join(errs...)
}

// startAll starts the processes in parallel; when one fails, the others
// are killed.
func startAll(cmds []Command, d Deadlines, lockPath string) ([]*Process, error) {
	procs := make([]*Process, len(cmds))
	errs := make([]error, len(cmds))
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Go(func() { procs[i], errs[i] = Start(c, d) })
	}
	wg.Wait()
	for i, err := range errs {
		var ce *ChecksumError
		if errors.As(err, &ce) {
			errs[i] = fmt.Errorf("refusing provider binary %s: its sha256 is %s, but %s pins %s; if the new binary is trusted, pin it with `tend providers lock`",
				ce.Path, ce.Got, lockPath, ce.Want)
		}
	}
	if err := errors.Join(errs...); err != nil {
		(&Set{procs: procs}).Close()
		return nil, err
	}
	return procs, nil
}

// registry collects the kinds of the in-process built-ins and of every
// provider process; two providers offering one kind is an error.
func registry(ctx context.Context, direct map[string][]resources.Kind, provs []named) (*resources.Registry, error) {
	var all []resources.Kind
	owner := map[string]string{}
	add := func(provider string, kinds []resources.Kind) error {
		for _, k := range kinds {
			name := k.Schema().Kind
			if prev, dup := owner[name]; dup {
				return fmt.Errorf("resource kind %q is offered by both provider %s and provider %s", name, prev, provider)
			}
			owner[name] = provider
			all = append(all, k)
		}
		return nil
	}
	for _, name := range sortedKeys(direct) {
		if err := add(name, direct[name]); err != nil {
			return nil, err
		}
	}
	for _, np := range provs {
		kinds, err := Kinds(ctx, np.p)
		if err != nil {
			return nil, fmt.Errorf("provider %s: %w", np.name, err)
		}
		if err := add(np.name, kinds); err != nil {
			return nil, err
		}
	}
	return resources.NewRegistry(all...), nil
}

func sortedKeys(m map[string][]resources.Kind) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
