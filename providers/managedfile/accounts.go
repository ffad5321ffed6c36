package managedfile

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// accounts resolves user and group names for one root, from that root's
// /etc/passwd and /etc/group: under an alternate root the container's
// accounts count, not the host's.
type accounts struct {
	users, groups *idDB
}

var (
	accountsMu     sync.Mutex
	accountsByRoot = map[string]*accounts{}
)

// accountsFor returns the shared cache for env's root; every resource of a
// run under that root parses the files once.
func accountsFor(env resources.Env) *accounts {
	root := env.Path("/")
	accountsMu.Lock()
	defer accountsMu.Unlock()
	a := accountsByRoot[root]
	if a == nil {
		a = &accounts{
			users:  &idDB{kind: "user", env: env, file: "/etc/passwd", path: env.Path("/etc/passwd")},
			groups: &idDB{kind: "group", env: env, file: "/etc/group", path: env.Path("/etc/group")},
		}
		accountsByRoot[root] = a
	}
	return a
}

// idDB is one parsed name:x:id file. Lookups read an immutable snapshot
// without locking; a miss re-reads the file if it changed since, so an
// account created earlier in the same run (by a user resource) is found.
type idDB struct {
	kind string
	env  resources.Env
	// file is the managed path, read beneath the root; path is where it
	// is on the host, for messages.
	file, path string
	mu         sync.Mutex
	cur        atomic.Pointer[idTable]
}

type idTable struct {
	ids   map[string]int
	names map[int]string
	stamp fileStamp
}

// fileStamp tells whether a file changed since it was parsed.
type fileStamp struct {
	ino, size, mtime int64
}

// lstat looks at the file beneath the root; nil when it cannot.
func (d *idDB) lstat() fs.FileInfo {
	dir, err := atomicfile.OpenDir(d.env.Root, filepath.Dir(d.file))
	if err != nil {
		return nil
	}
	defer dir.Close()
	fi, err := dir.Lstat(filepath.Base(d.file))
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	return fi
}

// stampOf describes fi, the file as read.
func stampOf(fi fs.FileInfo) fileStamp {
	if fi == nil {
		return fileStamp{}
	}
	st, _ := fi.Sys().(*syscall.Stat_t)
	var ino int64
	if st != nil {
		ino = int64(st.Ino)
	}
	return fileStamp{ino: ino, size: fi.Size(), mtime: fi.ModTime().UnixNano()}
}

func (d *idDB) table() *idTable {
	if t := d.cur.Load(); t != nil {
		return t
	}
	return d.reload()
}

// reload parses the file unless the snapshot is still current.
func (d *idDB) reload() *idTable {
	d.mu.Lock()
	defer d.mu.Unlock()
	// Looked at and read beneath the root: a symlinked /etc or passwd
	// cannot make the host's accounts count. An unreadable file is an
	// empty table.
	if t := d.cur.Load(); t != nil && t.stamp == stampOf(d.lstat()) {
		return t
	}
	data, fi, _ := ReadRegular(d.env, d.file, 0)
	t := parseIDFile(data)
	t.stamp = stampOf(fi)
	d.cur.Store(t)
	return t
}

// parseIDFile reads passwd or group lines ("name:x:id:..."). The first
// entry for a name or an id wins, as with the C library's files backend; a
// missing file is an empty table. An entry whose id is out of range
// (beyond 2^32-2) is skipped: chown would wrap it around.
func parseIDFile(data []byte) *idTable {
	t := &idTable{ids: map[string]int{}, names: map[int]string{}}
	for line := range strings.Lines(string(data)) {
		f := strings.SplitN(strings.TrimSpace(line), ":", 4)
		if len(f) < 3 || f[0] == "" || strings.ContainsAny(f[0][:1], "#+-") {
			continue
		}
		n, numeric, err := resources.ParseAccountID(f[2])
		if !numeric || err != nil {
			continue
		}
		id := int(n)
		if _, dup := t.ids[f[0]]; !dup {
			t.ids[f[0]] = id
		}
		if _, dup := t.names[id]; !dup {
			t.names[id] = f[0]
		}
	}
	return t
}

// name is how State shows an id: the name when there is one.
func (d *idDB) name(id int) string {
	n, ok := d.table().names[id]
	if !ok {
		n, ok = d.reload().names[id]
	}
	if !ok {
		return strconv.Itoa(id)
	}
	return n
}

// id resolves a configured name or numeric id.
func (d *idDB) id(v string) (int, error) {
	if n, numeric, err := resources.ParseAccountID(v); numeric {
		return int(n), err
	}
	id, ok := d.table().ids[v]
	if !ok {
		id, ok = d.reload().ids[v]
	}
	if !ok {
		return 0, fmt.Errorf("unknown %s %q: not in %s", d.kind, v, d.path)
	}
	return id, nil
}

// has reports whether a configured owner or group exists: a numeric id
// always does, a name when the file lists it.
func (d *idDB) has(v string) bool {
	if _, numeric, _ := resources.ParseAccountID(v); numeric {
		return true
	}
	if _, ok := d.table().ids[v]; ok {
		return true
	}
	_, ok := d.reload().ids[v]
	return ok
}

// canonical is how a configured owner compares with State: numeric ids
// show as names when the root knows them.
func (d *idDB) canonical(v string) string {
	if v == "" {
		return ""
	}
	if n, numeric, err := resources.ParseAccountID(v); numeric && err == nil {
		return d.name(int(n))
	}
	return v
}
