package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/tendhq/tend/agent/supervise"
	"github.com/tendhq/tend/config/repofile"
	"github.com/tendhq/tend/providers/plugin"
	"github.com/tendhq/tend/resources"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *cmdEnv, args []string) int
}

var commands = map[string]command{
	"validate":        {"check the node repository without touching the host", runValidate},
	"plan":            {"show what apply would change, and why", runPlan},
	"apply":           {"converge the host (or apply a saved plan)", runApply},
	"diff-catalog":    {"compare every node's desired state at two commits (for review)", runDiffCatalog},
	"fmt":             {"rewrite the repository's HCL files in canonical style", runFmt},
	"graph":           {"print a node's resource graph in DOT", runGraph},
	"explain":         {"show where a resource and each of its values came from", runExplain},
	"providers":       {"pin the external provider binaries the repository trusts", runProviders},
	"disable":         {"stop scheduled runs, saying why (and for how long)", runDisable},
	"enable":          {"let scheduled runs converge the host again", runEnable},
	"check":           {"Nagios/Icinga plugin: the agent's health from its last run", runCheck},
	"unblock":         {"let a change a failed health check rolled back be applied again", runUnblock},
	"agent":           {"fetch the signed node repository and converge the host (one run)", runAgent},
	"preview-summary": {"summarize the preview reports (agent --preview) collected from hosts", runPreviewSummary},
	"encrypt":         {"encrypt a value or file for data files, to hosts' age recipients", runEncrypt},
	"identity":        {"create this host's age identity (once) and print its recipient", runIdentity},
}

// cmdEnv is what every command writes to.
type cmdEnv struct {
	stdout, stderr io.Writer
	providers      *plugin.Set // started by openRepo, killed when Main returns
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
	out, errOut := resources.NewTerminalWriter(env.stdout), resources.NewTerminalWriter(env.stderr)
	defer out.Flush()
	defer errOut.Flush()
	env.stdout, env.stderr = out, errOut
	return run(args, env)
}

func run(args []string, env *cmdEnv) int {
	stdout, stderr := env.stdout, env.stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	env.link.Ready()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tend: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	defer func() { env.providers.Close() }()
	return cmd.run(ctx, env, args[1:])
}

const exitUsage = 1

func usage(w io.Writer) {
	fmt.Fprint(w, "Usage: tend COMMAND [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	width := 0
	for n := range commands {
		names = append(names, n)
		width = max(width, len(n))
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s %s\n", width, n, commands[n].summary)
	}
	fmt.Fprint(w, "\nRun 'tend COMMAND -h' for a command's flags.\n")
	fmt.Fprintf(w, "\nExit code %d, from any command, means tend itself crashed (a bug in tend);\napply and agent then record a failed run, which tend check reports as CRITICAL.\n", supervise.ExitInternal)
}

// common are the flags most commands share.
type common struct {
	node, repo, root, stateDir string
	identity                   string
	parallel                   int
	providers                  providerFlags
	maxFileSize                fileSize
	warn                       io.Writer // where warnings about state files go
}

func newFlags(name string, env *cmdEnv, c *common, withHost bool) *flag.FlagSet {
	fs := flag.NewFlagSet("tend "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	c.warn = env.stderr
	host, _ := os.Hostname()
	fs.StringVar(&c.node, "node", host, "the node to work on")
	fs.StringVar(&c.repo, "repo", ".", "the node repository")
	fs.StringVar(&c.identity, "identity", defaultIdentity, "the age identity file decrypt() uses (root-only)")
	c.providers.add(fs)
	c.maxFileSize = fileSize(repofile.DefaultMaxSize)
	fs.Var(&c.maxFileSize, "max-file-size", "refuse a repository file larger than this (bytes, or with KiB, MiB or GiB)")
	if withHost {
		fs.StringVar(&c.root, "root", "/", "resolve every managed path under this directory")
		fs.StringVar(&c.stateDir, "state-dir", "/var/lib/tend", "tend's state directory (reports, backups, pending events)")
		fs.IntVar(&c.parallel, "parallel", 4, "how many resources to work on at once")
	}
	return fs
}

// fileSize is a byte count given as a flag: "64MiB", "512KiB", "1000".
type fileSize int64

func (f *fileSize) String() string { return repofile.FormatSize(int64(*f)) }

func (f *fileSize) Set(s string) error {
	n, err := repofile.ParseSize(s)
	*f = fileSize(n)
	return err
}

// parse parses flags, reporting usage errors; ok is false when the
// command should exit with code.
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, false
		}
		return exitUsage, false
	}
	return 0, true
}
