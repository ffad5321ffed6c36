package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Options says what the written file ends up as.
type Options struct {
	// Mode is the final permission bits, setuid, setgid and sticky
	// included. Zero keeps the 0600 the temporary file is created with,
	// so a forgotten Mode fails private rather than open.
	Mode fs.FileMode
	// UID and GID are the final owner. -1 leaves the one the file was
	// created with (the running user, and the group the directory's rules
	// give). Note that 0 is root, not "unset".
	UID, GID int
	// Validate, when set, is called with the temporary file's path once it
	// holds the whole content with its final owner and mode, synced to
	// disk. An error aborts the write: the temporary file is removed, the
	// target is left untouched, and WriteFile returns the error as is.
	Validate func(tmpPath string) error
}

// maxBase bounds the target's name inside the temporary name, so the
// temporary name stays under NAME_MAX (255 bytes) with its prefix and suffix.
const maxBase = 200

// WriteFile atomically replaces path with data. It guarantees:
//
//   - The temporary file is created in path's own directory, so the final
//     rename never crosses a file system and is atomic.
//   - The temporary file is 0600 from its creation, and gets its final
//     owner and then its final mode (chown can clear setuid bits, so mode
//     comes second) before it is renamed into place: no one ever sees the
//     new content under path with the wrong owner or mode, and content
//     meant to be private is never readable more widely at any moment.
//   - The content is fsynced before the rename and the directory after
//     it, so after a crash path holds the old or the new content, whole.
//   - Validate sees exactly what path will hold; its failure leaves path
//     byte-identical.
//   - On every error the temporary file is removed.
//
// Replacing path replaces the directory entry: a symlink at path is
// replaced, not followed, and other hard links keep the old content.
func WriteFile(path string, data []byte, opts Options) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if len(base) > maxBase {
		base = base[:maxBase]
	}
	f, err := os.CreateTemp(dir, "."+base+".tend-*")
	if err != nil {
		return fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	tmp, renamed := f.Name(), false
	defer func() {
		if err != nil && !renamed {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f, data, opts); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if opts.Validate != nil {
		if err := opts.Validate(tmp); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	return SyncDir(dir)
}

// fill writes the content and gives the file its final owner and mode, then
// makes it durable.
func fill(f *os.File, data []byte, opts Options) error {
	if _, err := f.Write(data); err != nil {
		return err
	}
	if opts.UID != -1 || opts.GID != -1 {
		if err := f.Chown(opts.UID, opts.GID); err != nil {
			return err
		}
	}
	if opts.Mode != 0 {
		if err := f.Chmod(opts.Mode); err != nil {
			return err
		}
	}
	return f.Sync()
}

// SyncDir makes a directory's entries (a rename, a new or removed file)
// durable. File systems that cannot fsync a directory (EINVAL) are as
// durable as they allow, so that is not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
