package run

import (
	"os/exec"
	"strings"
)

// commit names the configuration's version: the git commit of the
// repository, with "+dirty" when the work tree has changes; "" when it is
// not a git checkout (or git is missing).
func commit(repo string) string {
	out, err := exec.Command("git", "-C", repo, "rev-parse", "--verify", "HEAD").Output()
	if err != nil {
		return ""
	}
	id := strings.TrimSpace(string(out))
	status, err := exec.Command("git", "-C", repo, "status", "--porcelain", "--untracked-files=normal").Output()
	if err == nil && len(strings.TrimSpace(string(status))) > 0 {
		id += "+dirty"
	}
	return id
}
