package container

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A cgroup is the control group a container runs in, one directory in each
// hierarchy systemd uses (the named v1 "systemd" hierarchy and the v2 one).
//
// systemd-nspawn --keep-unit puts the container's systemd in a "payload"
// group below its own; every nspawn started from the same group would share
// that payload, so two containers' systemds would create and prune the same
// system.slice directories. One container stopping postfix then removes the
// directory another has just made for its own postfix, whose start fails
// with 219/CGROUP. Each container therefore starts nspawn in a group of its
// own.
type cgroup []string

// newCgroup creates a group named name beneath this process's own group in
// every hierarchy systemd uses on this host.
func newCgroup(name string) (cgroup, error) {
	mounts, err := systemdHierarchies()
	if err != nil {
		return nil, err
	}
	own, err := ownCgroups()
	if err != nil {
		return nil, err
	}
	var g cgroup
	for key, mount := range mounts {
		dir := filepath.Join(mount, own[key], name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			g.remove()
			return nil, fmt.Errorf("cgroup for container %s: %w", name, err)
		}
		g = append(g, dir)
	}
	if len(g) == 0 {
		return nil, errors.New("no systemd or v2 cgroup hierarchy is mounted")
	}
	return g, nil
}

// enterScript is the shell prelude that moves the shell into g before it
// execs systemd-nspawn, so the container is created inside g.
func (g cgroup) enterScript() string {
	var b strings.Builder
	for _, dir := range g {
		fmt.Fprintf(&b, "echo $$ > '%s/cgroup.procs' || exit 125\n", dir)
	}
	b.WriteString(`exec systemd-nspawn "$@"`)
	return b.String()
}

// remove deletes g and every group the container's systemd left in it;
// only empty groups can be removed, so it is called once nspawn has exited.
func (g cgroup) remove() error {
	var errs []error
	for _, top := range g {
		var dirs []string
		_ = filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, path)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			if err := os.Remove(dirs[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// systemdHierarchies maps "name=systemd" and "" (the v2 hierarchy) to where
// they are mounted, from /proc/self/mountinfo.
func systemdHierarchies() (map[string]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	found := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, after := strings.Fields(pre), strings.Fields(post)
		if !ok || len(fields) < 5 || len(after) < 3 {
			continue
		}
		switch {
		case after[0] == "cgroup2":
			found[""] = fields[4]
		case after[0] == "cgroup" && hasOption(after[2], "name=systemd"):
			found["name=systemd"] = fields[4]
		}
	}
	return found, sc.Err()
}

func hasOption(options, want string) bool {
	for _, o := range strings.Split(options, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// ownCgroups maps each hierarchy's controller list ("name=systemd", "" for
// v2) to this process's group in it, from /proc/self/cgroup.
func ownCgroups() (map[string]string, error) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	own := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 {
			own[parts[1]] = parts[2]
		}
	}
	return own, nil
}
