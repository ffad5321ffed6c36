package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

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
