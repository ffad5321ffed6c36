package postfix

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
)

// recordDir is the state directory's subdirectory of build records.
const recordDir = "postfix-maps"

// record is what tend remembers about the last successful build (or, for
// types that build nothing, the last successful check) of one table. It is
// written only after the new table is live, so a run that dies earlier
// leaves the previous record, which no longer matches the source.
type record struct {
	Path string `json:"path"`
	Type string `json:"type"`
	// Tool is postmap or postalias: the two build different tables.
	Tool string `json:"tool"`
	// SourceSHA256 is the hex sha256 of the source content built from.
	SourceSHA256 string    `json:"source_sha256"`
	Built        time.Time `json:"built"`
}

// recordPath is where a map's record lives: named after the table file
// for built types (the thing two maps must not share), after type and
// source otherwise. Escaping keeps the whole path in one file name.
func recordPath(stateDir string, s spec) string {
	key := s.typ + ":" + s.path
	if s.builds() {
		key = s.path + s.suffix
	}
	return filepath.Join(stateDir, recordDir, url.PathEscape(key)+".json")
}

// errDamagedRecord says a record cannot be read as one: truncated,
// zeroed, garbage, or a directory. The table is then rebuilt, which
// writes a good record.
var errDamagedRecord = errors.New("damaged build record")

// loadRecord reads a record; a missing one is (nil, nil), a damaged one
// errDamagedRecord.
func loadRecord(path string) (*record, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if errors.Is(err, syscall.EISDIR) {
		return nil, fmt.Errorf("build record %s is a directory: %w", path, errDamagedRecord)
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(b, &rec); err != nil || rec.SourceSHA256 == "" {
		return nil, fmt.Errorf("build record %s: %w", path, errDamagedRecord)
	}
	return &rec, nil
}

// saveRecord writes a record atomically, private to the user tend runs as.
func saveRecord(path string, rec record) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	d, err := atomicfile.MakeDirs(filepath.Dir(filepath.Dir(path)), filepath.Base(filepath.Dir(path)), 0700)
	if err != nil {
		return err
	}
	defer d.Close()
	name := filepath.Base(path)
	if fi, err := d.Lstat(name); err == nil && !fi.Mode().IsRegular() {
		if _, err := d.MoveAside(name); err != nil {
			return fmt.Errorf("build record %s is not a file and cannot be moved aside: %w (remove it)", path, err)
		}
	}
	return d.WriteFile(name, append(b, '\n'), atomicfile.Options{Mode: 0600})
}
