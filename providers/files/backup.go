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

	"github.com/tendhq/tend/providers/files/atomicfile"
)

const (
	// backupsKept bounds how many backups one path keeps.
	backupsKept = 5
	// backupStamp names backups so that name order is time order.
	backupStamp = "20060102T150405.000000000Z"
)

// backupCurrent keeps the live file's content before it is replaced or
// deleted, unless either side is sensitive: tend keeps no copy of a
// secret anywhere but where the configuration puts it.
func (r *file) backupCurrent() error {
	if !r.spec.backup || r.spec.sensitive {
		return nil
	}
	old, err := readContent(r.full)
	if err != nil {
		return fmt.Errorf("back up %s: %w", r.spec.path, err)
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
func (r *file) backup(content []byte) error {
	if r.env.StateDir == "" {
		return fmt.Errorf("back up %s: no state directory is configured (set backup = false to replace without one)", r.spec.path)
	}
	dir := filepath.Join(r.env.StateDir, "backups", r.spec.path)
	sum := sha256.Sum256(content)
	short := hex.EncodeToString(sum[:])[:12]
	names, err := listBackups(dir)
	if err != nil {
		return err
	}
	if n := len(names); n > 0 && strings.HasSuffix(names[n-1], "-"+short) {
		return nil
	}
	if err := os.MkdirAll(dir, 0700); err != nil {
		return fmt.Errorf("back up %s: %w", r.spec.path, err)
	}
	owner := -1
	if os.Geteuid() == 0 {
		owner = 0
	}
	name := time.Now().UTC().Format(backupStamp) + "-" + short
	opts := atomicfile.Options{Mode: 0600, UID: owner, GID: owner}
	if err := atomicfile.WriteFile(filepath.Join(dir, name), content, opts); err != nil {
		return fmt.Errorf("back up %s: %w", r.spec.path, err)
	}
	return pruneBackups(dir, append(names, name))
}

// listBackups lists a path's backups, oldest first. Dot files are
// atomicfile's temporaries and directories hold backups of paths below.
func listBackups(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
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

func pruneBackups(dir string, names []string) error {
	for len(names) > backupsKept {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		names = names[1:]
	}
	return nil
}
