// Package chroot runs a program inside an alternate root (tend's --root)
// the way the kinds that run programs there need it: chrooted, with /proc
// and /dev mounted inside a private mount namespace, so that maintainer
// scripts and checkers (postfix check, which needs a pseudo-terminal)
// work, and nothing stays mounted whatever happens.
package chroot

import (
	"os"
	"path/filepath"
)

// script mounts what the program needs inside the private mount
// namespace unshare(1) gives it; those mounts vanish with the namespace.
// Mount points that do not exist are skipped rather than created.
const script = `set -e
r=$1; shift
if [ -d "$r/proc" ]; then mount -t proc proc "$r/proc"; fi
if [ -d "$r/dev" ]; then mount --rbind /dev "$r/dev"; fi
exec chroot "$r" "$@"`

// Argv is the command line that runs argv chrooted into root.
func Argv(root string, argv ...string) []string {
	return append([]string{"unshare", "--mount", "--propagation", "private", "--",
		"/bin/sh", "-c", script, "tend-chroot", root}, argv...)
}

// IsSystem says root is an alternate root that is a system of its own
// (it has /bin/sh): programs that read the system's configuration run
// chrooted into it rather than on this machine. "" and "/" are not
// alternate roots; a scratch tree without a shell is not a system.
func IsSystem(root string) bool {
	if root == "" || root == "/" {
		return false
	}
	fi, err := os.Stat(filepath.Join(root, "bin/sh"))
	return err == nil && fi.Mode().IsRegular()
}

// Inside is path, a path on this machine under root, as the chrooted
// program sees it; ok is false when path is not under root.
func Inside(root, path string) (string, bool) {
	rel, err := filepath.Rel(root, path)
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	return "/" + rel, true
}
