package cli

import (
	"io"
	"os"

	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/console"
	"github.com/tendhq/tend/agent/run"
	"golang.org/x/sys/unix"
)

// loudness is how much an apply shows while it runs: --quiet, --verbose.
type loudness struct{ quiet, verbose bool }

func (l *loudness) addFlags(fs *pflag.FlagSet) {
	fs.BoolVarP(&l.quiet, "quiet", "q", false, "show only failures and the summary while applying")
	fs.BoolVarP(&l.verbose, "verbose", "v", false, "show every resource as it finishes, unchanged ones too, with how long each took")
}

func (l loudness) level() console.Level {
	switch {
	case l.quiet:
		return console.Quiet
	case l.verbose:
		return console.Verbose
	}
	return console.Normal
}

// watch starts the console that shows an apply while it runs, redacting
// with r: on stdout, with a status line when stdout is a terminal.
func (env *cmdEnv) watch(r run.Redactor, level console.Level) *console.Live {
	o := console.Options{Out: env.stdout, Redact: r.Outcome, RedactText: r.Text, Level: level}
	if env.tty != nil {
		o.Terminal, o.Width = env.tty, func() int { return columns(env.tty) }
	}
	return console.New(o)
}

// columns is the width of the terminal w is, 0 when unknown.
func columns(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
