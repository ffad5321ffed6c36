package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

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

// euidEnv makes tend take itself for another user, for its own tests of
// the root check; honoured only with faultsEnv=1 as well.
const euidEnv = "TEND_TEST_EUID"

func effectiveUID() int {
	if os.Getenv(faultsEnv) == "1" {
		if uid, err := strconv.Atoi(os.Getenv(euidEnv)); err == nil {
			return uid
		}
	}
	return os.Geteuid()
}

// mayChangeHost says, once and before anything is tried, when a command
// that changes the host cannot: it is not root, and the tree it would
// change is the host's own or one it cannot write. Without it, every
// resource would fail with its own "permission denied".
func mayChangeHost(env *cmdEnv, name, root string) bool {
	if effectiveUID() == 0 {
		return true
	}
	if abs, err := filepath.Abs(root); err == nil && abs != "/" && unix.Access(abs, unix.W_OK) == nil {
		return true
	}
	fmt.Fprintf(env.stderr, "tend %s must run as root (or with --root DIR on a tree you can write)\n", name)
	return false
}

// mayPlan says, once and before anything is read, when a plan by another
// user than root cannot be made: the state directory (pending refresh
// events, blocks) exists and cannot be read. A plan of the host's own
// tree goes ahead with a note: what only root may read shows as could
// not be planned.
func mayPlan(env *cmdEnv, name, root, stateDir string) bool {
	if effectiveUID() == 0 {
		return true
	}
	if dir := existingDir(stateDir); dir != "" && unix.Access(dir, unix.R_OK|unix.X_OK) != nil {
		fmt.Fprintf(env.stderr, "tend %s must run as root to read the state directory %s (or with --state-dir DIR)\n", name, dir)
		return false
	}
	if abs, err := filepath.Abs(root); err == nil && abs == "/" {
		fmt.Fprintf(env.stderr, "tend %s: note: not running as root: what only root may read on this host cannot be planned\n", name)
	}
	return true
}
