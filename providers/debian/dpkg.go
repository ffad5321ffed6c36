package debian

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// queryFormat is what dpkg-query prints per package: tab-separated fields
// on one line.
const queryFormat = `${Package}\t${Architecture}\t${Version}\t${Status}\n`

// entry is one package dpkg knows about.
type entry struct {
	name, arch, version string
	// status is dpkg's "want flag state" triple, such as
	// "install ok installed" or "deinstall ok config-files".
	status string
}

// state is the last word of the status: installed, config-files,
// half-configured, ...
func (e entry) state() string {
	f := strings.Fields(e.status)
	if len(f) != 3 {
		return e.status
	}
	return f[2]
}

// installed reports whether the package is fully installed.
func (e entry) installed() bool { return e.state() == "installed" }

// absent reports whether nothing of the package but perhaps its
// configuration files is on the system.
func (e entry) absent() bool {
	s := e.state()
	return s == "not-installed" || s == "config-files"
}

// trouble says what is wrong when the package is in a state an interrupted
// or failed dpkg run leaves behind, and how to repair it; "" otherwise.
func (e entry) trouble() string {
	f := strings.Fields(e.status)
	if len(f) != 3 {
		return fmt.Sprintf("has a status dpkg-query did not explain (%q)", e.status)
	}
	switch {
	case f[1] == "reinstreq" || f[2] == "half-installed":
		return fmt.Sprintf("is %s and must be reinstalled (dpkg status %q): run `apt-get install --reinstall %s`", f[2], e.status, e.name)
	case f[2] == "unpacked" || f[2] == "half-configured" || f[2] == "triggers-awaited" || f[2] == "triggers-pending":
		return fmt.Sprintf("is %s (dpkg status %q): a dpkg run was interrupted; run `dpkg --configure -a`", f[2], e.status)
	case f[1] != "ok":
		return fmt.Sprintf("has dpkg status %q", e.status)
	}
	return ""
}

// snapshot is what one dpkg-query call said about every package of a root.
type snapshot struct {
	key    dbKey
	native string // the architecture dpkg itself is built for
	byName map[string][]entry
	// troubled lists every package in a state an interrupted dpkg run
	// leaves behind, with what is wrong.
	troubled []string
	// journal is set when dpkg's update journal holds entries: dpkg was
	// interrupted before it could fold them into the status file.
	journal bool
}

// lookup finds the entry a configured name means: "name:arch" is exact;
// a bare name is the native or arch-independent package, as apt reads it.
func (s *snapshot) lookup(name string) (entry, bool) {
	base, arch, qualified := strings.Cut(name, ":")
	for _, e := range s.byName[base] {
		if qualified && e.arch == arch || !qualified && (e.arch == s.native || e.arch == "all") {
			return e, true
		}
	}
	return entry{name: name, status: "unknown ok not-installed"}, false
}

// interrupted describes how the dpkg database shows an interrupted run,
// or "" when it does not.
func (s *snapshot) interrupted(root string) string {
	switch {
	case s.journal:
		return inRoot("dpkg was interrupted (its journal in /var/lib/dpkg/updates is not empty): run `dpkg --configure -a` to finish its work", root)
	case len(s.troubled) > 0:
		return inRoot("the dpkg database is not consistent: "+strings.Join(s.troubled, "; "), root)
	}
	return ""
}

// dbKey identifies one version of a dpkg database: dpkg replaces the
// status file by renaming a new one over it and writes every step of a
// run to its journal directory, so an unchanged key means unchanged data.
type dbKey struct {
	statusIno, journalIno      uint64
	statusSize                 int64
	statusMtime, statusCtime   syscall.Timespec
	journalMtime, journalCtime syscall.Timespec
}

func adminDir(root string) string {
	if isHostRoot(root) {
		return "/var/lib/dpkg"
	}
	return filepath.Join(root, "var/lib/dpkg")
}

// readKey stats the database. A missing status file is an error: the
// root is not a Debian system.
func readKey(root string) (dbKey, error) {
	var k dbKey
	var st, jt syscall.Stat_t
	status := filepath.Join(adminDir(root), "status")
	if err := syscall.Stat(status, &st); err != nil {
		return k, fmt.Errorf("no dpkg database at %s (%w): is the root a Debian system?", status, err)
	}
	k.statusIno, k.statusSize, k.statusMtime, k.statusCtime = st.Ino, st.Size, st.Mtim, st.Ctim
	if err := syscall.Stat(filepath.Join(adminDir(root), "updates"), &jt); err == nil {
		k.journalIno, k.journalMtime, k.journalCtime = jt.Ino, jt.Mtim, jt.Ctim
	}
	return k, nil
}

// query runs one dpkg-query for names, or for every package dpkg knows
// when names is empty.
func query(ctx context.Context, root string, names []string) ([]entry, error) {
	argv := []string{"dpkg-query", "--admindir=" + adminDir(root), "-W", "-f=" + queryFormat}
	res, err := run(ctx, root, command{argv: append(argv, names...)})
	if err != nil {
		return nil, err
	}
	// Exit 1 with names given means some are unknown to dpkg: not
	// installed, which the caller reads from their absence.
	notFound := res.code == 1 && len(names) > 0 && onlyNotFound(res.stderr)
	if res.code != 0 && !notFound {
		return nil, fmt.Errorf("dpkg-query exited %d: %s", res.code, strings.TrimSpace(res.stderr))
	}
	var out []entry
	for line := range strings.Lines(res.stdout) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("dpkg-query printed an unexpected line %q", line)
		}
		out = append(out, entry{name: f[0], arch: f[1], version: f[2], status: f[3]})
	}
	return out, nil
}

// onlyNotFound reports whether dpkg-query complained only about packages
// it does not know (and perhaps warned about its database).
func onlyNotFound(stderr string) bool {
	for line := range strings.Lines(stderr) {
		rest, ok := strings.CutPrefix(line, "dpkg-query: ")
		if ok && !strings.HasPrefix(rest, "warning: ") && !strings.HasPrefix(rest, "no packages found matching") {
			return false
		}
	}
	return true
}

// takeSnapshot queries every package of the root in one call.
func takeSnapshot(ctx context.Context, root string) (*snapshot, error) {
	key, err := readKey(root)
	if err != nil {
		return nil, err
	}
	entries, err := query(ctx, root, nil)
	if err != nil {
		return nil, err
	}
	s := &snapshot{key: key, byName: map[string][]entry{}}
	for _, e := range entries {
		s.byName[e.name] = append(s.byName[e.name], e)
		if e.name == "dpkg" {
			s.native = e.arch
		}
		if t := e.trouble(); t != "" {
			s.troubled = append(s.troubled, e.name+" "+t)
		}
	}
	slices.Sort(s.troubled)
	if s.journal, err = journalPending(root); err != nil {
		return nil, err
	}
	return s, nil
}

// journalPending reports whether dpkg's journal directory holds update
// records (files named by numbers), as it does after an interrupted run.
func journalPending(root string) (bool, error) {
	des, err := os.ReadDir(filepath.Join(adminDir(root), "updates"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading dpkg's journal: %w", err)
	}
	for _, de := range des {
		if n := de.Name(); n != "" && strings.Trim(n, "0123456789") == "" {
			return true, nil
		}
	}
	return false, nil
}
