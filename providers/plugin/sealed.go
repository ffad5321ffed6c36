package plugin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// ChecksumError is an executable whose SHA-256 is not the pinned one.
type ChecksumError struct {
	Path      string
	Got, Want string // hex
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%s has sha256 %s, but %s is pinned", e.Path, e.Got, e.Want)
}

// sealedCopy copies the executable at path into an anonymous memory file
// while hashing it and returns the copy, read-only and sealed against any
// change, when its SHA-256 is want. Running the copy (as /proc/self/fd/N
// in the child) runs exactly the bytes that were hashed: replacing or
// rewriting path after the check changes nothing, and no temporary file
// is left on disk or needs an exec-able file system.
func sealedCopy(path, name string, want []byte) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	mem, err := memfd("tend-provider-" + name)
	if err != nil {
		return nil, fmt.Errorf("copying %s to memory: %w", path, err)
	}
	defer mem.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(mem, h), src); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		return nil, &ChecksumError{Path: path, Got: hex.EncodeToString(got), Want: hex.EncodeToString(want)}
	}
	const seals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(mem.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		return nil, fmt.Errorf("sealing the copy of %s: %w", path, err)
	}
	// A read-only descriptor: nothing holds the copy open for writing
	// when it is executed.
	return os.Open(fmt.Sprintf("/proc/self/fd/%d", mem.Fd()))
}

// memfd creates a sealable memory file that may be executed. Kernels
// before 6.3 know no MFD_EXEC flag, and there memory files are always
// executable.
func memfd(name string) (*os.File, error) {
	const flags = unix.MFD_CLOEXEC | unix.MFD_ALLOW_SEALING
	fd, err := unix.MemfdCreate(name, flags|unix.MFD_EXEC)
	if err == unix.EINVAL {
		fd, err = unix.MemfdCreate(name, flags)
	}
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

// FileSum is the SHA-256 of the file at path.
func FileSum(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
