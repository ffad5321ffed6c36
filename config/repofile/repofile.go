// Package repofile reads the files of a node repository as a closed world.
//
// Guarantees, for every name read through a Dir:
//
//   - it is opened beneath the repository's root directory: a symbolic link
//     may point anywhere inside the repository, never out of it, and a name
//     that climbs out with ".." is refused the same way (os.Root);
//   - only a regular file is read: a named pipe, a device or a socket is
//     refused without blocking (it is opened non-blocking, without becoming
//     a controlling terminal, and checked with fstat before any read);
//   - no more than the size limit is ever read (DefaultMaxSize unless the
//     Dir says otherwise);
//   - the refusal names the repository path and, for a link that leaves the
//     repository, where the link points — never anything read from outside.
//
// CheckNesting bounds the nesting of HCL and template text before it is
// parsed, so that no repository file can exhaust the parser's stack.
package repofile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
)

// DefaultMaxSize is the size limit of one repository file: 64 MiB.
const DefaultMaxSize int64 = 64 << 20

// Dir is a node repository opened for reading.
type Dir struct {
	root    *os.Root
	maxSize int64
}

// Open opens the repository directory dir. maxSize is the size limit of one
// file; 0 means DefaultMaxSize.
func Open(dir string, maxSize int64) (*Dir, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Dir{root: root, maxSize: maxSize}, nil
}

// Close releases the directory handle.
func (d *Dir) Close() error { return d.root.Close() }

// MaxSize is the size limit of one file.
func (d *Dir) MaxSize() int64 { return d.maxSize }

// RefusedError says why a repository file is not read. Name is the
// repository path asked for; Why, a clause that follows it ("is a named
// pipe..."), never holds anything read from the file.
type RefusedError struct {
	Name string
	Why  string
}

func (e *RefusedError) Error() string { return e.Name + " " + e.Why }

// ReadFile reads a regular file of the repository, at most MaxSize bytes.
func (d *Dir) ReadFile(name string) ([]byte, error) {
	// Checked before opening, so that a device is not even opened in the
	// common case; checked again on the descriptor for the file opened.
	fi, err := d.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := d.checkFile(name, fi); err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, d.refusal(name, err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := d.checkFile(name, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, d.maxSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > d.maxSize {
		return nil, d.tooLarge(name)
	}
	return b, nil
}

// Stat describes the file name resolves to, following symbolic links that
// stay inside the repository.
func (d *Dir) Stat(name string) (fs.FileInfo, error) {
	fi, err := d.root.Stat(name)
	if err != nil {
		return nil, d.refusal(name, err)
	}
	return fi, nil
}

// ReadDir lists a directory of the repository, sorted by name. Entries
// are not followed: a symbolic link is listed as one.
func (d *Dir) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_DIRECTORY|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, d.refusal(name, err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

func (d *Dir) checkFile(name string, fi fs.FileInfo) error {
	if what := kindOf(fi.Mode()); what != "" {
		return &RefusedError{Name: name, Why: "is " + what + ", not a regular file; only regular files are read from the repository"}
	}
	if fi.Size() > d.maxSize {
		return d.tooLarge(name)
	}
	return nil
}

func (d *Dir) tooLarge(name string) error {
	return &RefusedError{Name: name, Why: "is larger than the limit of " + FormatSize(d.maxSize) + " per repository file"}
}

// kindOf names a file type that is not a regular file; "" for a regular
// file.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// refusal turns an error of os.Root into one naming the link that leaves
// the repository, when that is what happened; a missing file stays
// fs.ErrNotExist.
func (d *Dir) refusal(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return err
	}
	link, target, ok := d.leavingLink(name)
	if ok && errors.Is(err, syscall.ELOOP) && !path.IsAbs(target) && !climbs(path.Join(path.Dir(link), target)) {
		// No link on the way leaves: they loop, or chain too long.
		return &RefusedError{Name: name, Why: "is reached through symbolic links that loop or chain more than 40 deep"}
	}
	if ok {
		if link == name {
			return &RefusedError{Name: name, Why: fmt.Sprintf("is a symbolic link to %q, which leaves the repository", target)}
		}
		return &RefusedError{Name: name, Why: fmt.Sprintf("is reached through %s, a symbolic link to %q, which leaves the repository", link, target)}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err.Error() == "path escapes from parent" {
		return &RefusedError{Name: name, Why: "leaves the repository"}
	}
	return err
}

// leavingLink finds the symbolic link on the way to name whose target
// leaves the repository: an absolute target, or a relative one that climbs
// above the root. Links that stay inside are followed (up to 40 of them,
// as the kernel does); when none leaves, the first link met is reported.
func (d *Dir) leavingLink(name string) (link, target string, ok bool) {
	var first, firstTarget string
	parts := strings.Split(path.Clean(name), "/")
	p := ""
	for i, hops := 0, 0; i < len(parts) && hops <= 40; {
		next := path.Join(p, parts[i])
		fi, err := d.root.Lstat(next)
		if err != nil {
			break
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			p, i = next, i+1
			continue
		}
		t, err := d.root.Readlink(next)
		if err != nil {
			break
		}
		resolved := path.Join(p, t)
		if path.IsAbs(t) || climbs(resolved) {
			return next, t, true
		}
		if first == "" {
			first, firstTarget = next, t
		}
		// Start again from the root along the link's target.
		parts = strings.Split(path.Join(append([]string{resolved}, parts[i+1:]...)...), "/")
		p, i, hops = "", 0, hops+1
	}
	return first, firstTarget, first != ""
}

func climbs(p string) bool {
	p = path.Clean(p)
	return p == ".." || strings.HasPrefix(p, "../")
}

// FormatSize renders a byte count as tend's flags take it: "64MiB",
// "512KiB", "1000".
func FormatSize(n int64) string {
	for _, u := range sizeUnits {
		if n >= u.n && n%u.n == 0 {
			return fmt.Sprintf("%d%s", n/u.n, u.name)
		}
	}
	return fmt.Sprintf("%d", n)
}

// ParseSize reads a byte count: a number of bytes, or one followed by KiB,
// MiB or GiB.
func ParseSize(s string) (int64, error) {
	num, unit := s, int64(1)
	for _, u := range sizeUnits {
		if len(s) > len(u.name) && s[len(s)-len(u.name):] == u.name {
			num, unit = s[:len(s)-len(u.name)], u.n
			break
		}
	}
	var n int64
	if _, err := fmt.Sscanf(num, "%d", &n); err != nil || fmt.Sprint(n) != num || n <= 0 || n > (1<<62)/unit {
		return 0, fmt.Errorf("%q is not a size: a positive number of bytes, optionally followed by KiB, MiB or GiB", s)
	}
	return n * unit, nil
}

var sizeUnits = []struct {
	name string
	n    int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}
