package accounts

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tendhq/tend/resources"
)

// passwdEntry is one line of /etc/passwd.
type passwdEntry struct {
	uid, gid    int
	home, shell string
}

// groupEntry is one line of /etc/group.
type groupEntry struct {
	name    string
	gid     int
	members []string
}

// db is one look at a root's account files.
type db struct {
	users  map[string]passwdEntry
	groups []groupEntry
}

// readDB parses the root's /etc/passwd and /etc/group. A missing file is
// empty: useradd and groupadd create them.
func readDB(env resources.Env) (*db, error) {
	d := &db{users: map[string]passwdEntry{}}
	err := eachEntry(env.Path("/etc/passwd"), 7, func(f []string) {
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if _, dup := d.users[f[0]]; !dup && err1 == nil && err2 == nil {
			d.users[f[0]] = passwdEntry{uid: uid, gid: gid, home: f[5], shell: f[6]}
		}
	})
	if err != nil {
		return nil, err
	}
	err = eachEntry(env.Path("/etc/group"), 4, func(f []string) {
		gid, err := strconv.Atoi(f[2])
		if err != nil || d.group(f[0]) != nil {
			return
		}
		var members []string
		if f[3] != "" {
			members = strings.Split(f[3], ",")
		}
		d.groups = append(d.groups, groupEntry{name: f[0], gid: gid, members: members})
	})
	return d, err
}

// eachEntry calls fn with the fields of every well-formed line that has
// exactly n of them. Comments and NIS compat lines ("+", "-") are skipped;
// the first entry for a name wins, as with the C library's files backend.
func eachEntry(path string, n int, fn func([]string)) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for line := range strings.Lines(string(data)) {
		f := strings.Split(strings.TrimRight(line, "\n"), ":")
		if len(f) != n || f[0] == "" || strings.ContainsAny(f[0][:1], "#+-") {
			continue
		}
		fn(f)
	}
	return nil
}

func (d *db) group(name string) *groupEntry {
	for i := range d.groups {
		if d.groups[i].name == name {
			return &d.groups[i]
		}
	}
	return nil
}

// groupName is how State shows a gid: the name when the root has one.
func (d *db) groupName(gid int) string {
	for _, g := range d.groups {
		if g.gid == gid {
			return g.name
		}
	}
	return strconv.Itoa(gid)
}

// canonicalGroup is how a configured group compares with State: a
// numeric id shows as its name when the root knows it.
func (d *db) canonicalGroup(v string) string {
	if n, numeric, err := resources.ParseAccountID(v); numeric && err == nil {
		return d.groupName(int(n))
	}
	return v
}

// memberOf lists, sorted, the groups that name user as a member.
func (d *db) memberOf(user string) []string {
	var out []string
	for _, g := range d.groups {
		if slices.Contains(g.members, user) {
			out = append(out, g.name)
		}
	}
	slices.Sort(out)
	return out
}
