package cli

import (
	"io"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"
)

// isTerminal says w is a terminal (a pipe or a file is not).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func addNoColor(fs *pflag.FlagSet, noColor *bool) {
	fs.BoolVar(noColor, "no-color", false, "never colour the output (NO_COLOR does the same; there is none on a pipe)")
}

// colour turns the plan's colours on when stdout is a terminal, unless
// --no-color, NO_COLOR (https://no-color.org) or TERM=dumb says not to.
func (env *cmdEnv) colour(noColor bool) {
	on := env.terminal && !noColor && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	if env.out != nil {
		env.out.SetColour(on)
	}
}
