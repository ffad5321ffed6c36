package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/config/repofile"
	"github.com/tendhq/tend/providers/plugin"
	"github.com/tendhq/tend/resources"
)

// cmdEnv is what every command writes to.
type cmdEnv struct {
	stdout, stderr io.Writer
	// out is stdout's escaping writer, which colours the plan when
	// colour is on; terminal says stdout is a terminal.
	out      *resources.TerminalWriter
	terminal bool
	// tty is stdout itself, unescaped, when it is a terminal: the status
	// line of an apply is drawn on it.
	tty io.Writer
	// code is the exit code of the command that ran.
	code      int
	providers *plugin.Set // started by openRepo, killed when Main returns
	// link tells the supervisor, if any, where a crash is to be recorded.
	link *supervise.Link
	// fallback, for the agent, is why the child before this one crashed:
	// the run applies the last known good at once.
	fallback string
	run      *supervise.Run // as announced last
}

// announce tells the supervisor where the run records itself.
func (env *cmdEnv) announce(r supervise.Run) {
	env.run = &r
	env.link.Announce(r)
}

// announceRun adds the run's id and start to what was announced.
func (env *cmdEnv) announceRun(id string, started time.Time) {
	if env.run != nil {
		r := *env.run
		r.RunID, r.Started = id, started
		env.announce(r)
	}
}

// Main runs tend with its arguments and returns the exit code, in this
// process and unsupervised (the tend binary runs Run).
func Main(args []string, stdout, stderr io.Writer) int {
	return mainEnv(args, &cmdEnv{stdout: stdout, stderr: stderr})
}

// mainEnv runs the command. Everything it prints goes through
// resources.TerminalWriter: a control character in a path, a file's
// content or a command's output is shown escaped, never sent to the
// reader's terminal.
func mainEnv(args []string, env *cmdEnv) int {
	env.terminal = isTerminal(env.stdout)
	if env.terminal {
		env.tty = env.stdout
	}
	out, errOut := resources.NewTerminalWriter(env.stdout), resources.NewTerminalWriter(env.stderr)
	defer out.Flush()
	defer errOut.Flush()
	env.stdout, env.stderr, env.out = out, errOut, out
	return runArgs(args, env)
}

func runArgs(args []string, env *cmdEnv) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	env.link.Ready()
	defer func() { env.providers.Close() }()
	return execute(ctx, env, newRoot(env, hostDefaults()), args)
}

const exitUsage = 1

// repoFlags say which of the flags shared by the commands that read the
// repository a command takes: --repo and --max-file-size always.
type repoFlags uint

const (
	withNode         repoFlags = 1 << iota // --node
	withIdentity                           // --identity
	withPluginDir                          // --plugin-dir
	withProviderMode                       // --providers
	withTimeout                            // --provider-timeout
	withHost                               // --root, --state-dir, --parallel
)

// readsRepo are the flags of a command that evaluates a node without
// touching the host; changesHost those of plan, apply and the agent.
const (
	withProviders = withPluginDir | withProviderMode
	readsRepo     = withNode | withIdentity | withProviders
	changesHost   = readsRepo | withTimeout | withHost
)

// common are the flags most commands share.
type common struct {
	node, repo, root, stateDir string
	identity                   string
	parallel                   int
	providers                  providerFlags
	maxFileSize                fileSize
	loudness                   loudness // for apply and the agent
}

// addFlags declares the shared flags a command takes; those it does not
// take keep their defaults (a command without withHost has no root,
// state directory or parallelism).
func (c *common) addFlags(fs *pflag.FlagSet, env *cmdEnv, host hostDefault, which repoFlags) {
	c.node, c.repo, c.identity = host.name, ".", defaultIdentity
	c.maxFileSize = fileSize(repofile.DefaultMaxSize)
	c.providers.defaults(host)
	if which&withNode != 0 {
		fs.StringVar(&c.node, "node", c.node, "the node to work on")
		annotateHostDefault(fs, "node", "the host name")
	}
	fs.StringVar(&c.repo, "repo", c.repo, "the node repository")
	if which&withIdentity != 0 {
		fs.StringVar(&c.identity, "identity", c.identity, "the age identity file decrypt() uses (root-only)")
	}
	c.providers.add(fs, which)
	fs.Var(&c.maxFileSize, "max-file-size", "refuse a repository file larger than this (bytes, or with KiB, MiB or GiB)")
	if which&withHost != 0 {
		c.root, c.stateDir, c.parallel = "/", "/var/lib/tend", 4
		fs.StringVar(&c.root, "root", c.root, "resolve every managed path under this directory")
		fs.StringVar(&c.stateDir, "state-dir", c.stateDir, "tend's state directory (reports, backups, pending events)")
		fs.IntVar(&c.parallel, "parallel", c.parallel, "how many resources to work on at once")
	}
}

// fileSize is a byte count given as a flag: "64MiB", "512KiB", "1000".
type fileSize int64

func (f *fileSize) String() string { return repofile.FormatSize(int64(*f)) }

func (f *fileSize) Set(s string) error {
	n, err := repofile.ParseSize(s)
	*f = fileSize(n)
	return err
}

func (f *fileSize) Type() string { return "size" }
