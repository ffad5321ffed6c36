package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
)

const (
	// backupsKept bounds how many backups one path keeps.
	backupsKept = 5
	// backupStamp names backups so that name order is time order.
	backupStamp = "20060102T150405.000000000Z"
)

// backupCurrent keeps the live file's content before it is replaced or
// deleted, unless either side is or was sensitive (the live content was
// written as sensitive, or holds a private key), or the path is: tend
// keeps no copy of a secret anywhere but where the configuration puts it.
func (r *file) backupCurrent(d *atomicfile.Dir) error {
	if !r.spec.backup || r.spec.sensitive || r.spec.attrSensitive["path"] || r.wasSensitive() {
		return nil
	}
	old, _, err := d.ReadFile(r.base, 0)
	if err != nil {
		return fmt.Errorf("back up %s: %w", r.spec.label(), err)
	}
	if bytes.Contains(old, keyMarker) {
		return nil
	}
	return r.backup(old)
}

// backup writes content to <StateDir>/backups/<path>/<time>-<sha>, never
// beside the file, where a directory of includes (conf.d) would load it.
// The copy is private to root. Content equal to the newest backup is not
// kept twice, so repeated failing applies do not push out older backups.
// The directories below the state directory are walked and made through
// handles, never following a symlink.
func (r *file) backup(content []byte) error {
	if r.env.StateDir == "" {
		return fmt.Errorf("back up %s: no state directory is configured (set backup = false to replace without one)", r.spec.label())
	}
	d, err := atomicfile.MakeDirs(r.env.StateDir, filepath.Join("backups", r.spec.path), 0700)
	if err != nil {
		return fmt.Errorf("back up %s: %w", r.spec.label(), err)
	}
	defer d.Close()
	sum := sha256.Sum256(content)
	short := hex.EncodeToString(sum[:])[:12]
	names, err := listBackups(d)
	if err != nil {
		return err
	}
	if n := len(names); n > 0 && strings.HasSuffix(names[n-1], "-"+short) {
		return nil
	}
	owner := atomicfile.Owner{}
	if os.Geteuid() == 0 {
		owner = atomicfile.OwnedBy(0, 0)
	}
	name := time.Now().UTC().Format(backupStamp) + "-" + short
	if err := d.WriteFile(name, content, atomicfile.Options{Mode: 0600, Owner: owner}); err != nil {
		return fmt.Errorf("back up %s: %w", r.spec.label(), err)
	}
	return pruneBackups(d, append(names, name))
}

// listBackups lists a path's backups, oldest first. Dot files are
// atomicfile's temporaries and directories hold backups of paths below.
func listBackups(d *atomicfile.Dir) ([]string, error) {
	ents, err := d.ReadDir()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

func pruneBackups(d *atomicfile.Dir, names []string) error {
	for len(names) > backupsKept {
		if err := d.Remove(names[0]); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		names = names[1:]
	}
	return nil
}
