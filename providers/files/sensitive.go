package files

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// sensitiveDir is the state directory's record of the files whose live
// content tend last wrote as sensitive: one empty file per managed file,
// named by the hash of its path (which may be sensitive too). Once the
// configured content stops being sensitive, the old content on disk is
// still a secret: it is diffed masked and never backed up.
const sensitiveDir = "sensitive-files"

// sensitiveRecord is the file that says r's live content is sensitive,
// or "" without a state directory.
func (r *file) sensitiveRecord() string {
	if r.env.StateDir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(r.env.Path(r.spec.path)))
	return filepath.Join(r.env.StateDir, sensitiveDir, hex.EncodeToString(sum[:]))
}

// wasSensitive reports whether the live content was written as
// sensitive. A record that cannot be checked counts as one.
func (r *file) wasSensitive() bool {
	p := r.sensitiveRecord()
	if p == "" {
		return false
	}
	_, err := os.Lstat(p)
	return !errors.Is(err, fs.ErrNotExist)
}

// recordSensitive notes that r's live content is (or is no longer)
// sensitive. It is noted before sensitive content is written and
// forgotten only after plain content replaced it, so a run that dies in
// between errs on the side of masking.
func (r *file) recordSensitive(sensitive bool) error {
	p := r.sensitiveRecord()
	if p == "" {
		return nil
	}
	if !sensitive {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("forget that %s held sensitive content: %w", r.spec.label(), err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0700); err != nil {
		return fmt.Errorf("record that %s holds sensitive content: %w", r.spec.label(), err)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0600)
	if err != nil {
		return fmt.Errorf("record that %s holds sensitive content: %w", r.spec.label(), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("record that %s holds sensitive content: %w", r.spec.label(), err)
	}
	return f.Close()
}
