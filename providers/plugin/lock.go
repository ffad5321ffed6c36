package plugin

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/tendhq/tend/config/repofile"
)

// LockFile is the name of the file, at the top of a node repository, that
// pins the external providers the repository trusts. It is HCL:
//
//	provider "motd" {
//	  sha256 = "9f86d081884c7d65..."
//	}
//
// `tend providers lock` writes it; tend refuses to run a provider
// executable that it does not list with that very checksum. A provider it
// lists that is not installed is not an error: its kinds are simply not
// available on that host.
const LockFile = "providers.lock.hcl"

// Lock maps provider names to the hex SHA-256 of their executables.
type Lock map[string]string

type lockFile struct {
	Providers []struct {
		Name   string `hcl:"name,label"`
		SHA256 string `hcl:"sha256"`
	} `hcl:"provider,block"`
}

// ReadLock reads a lock file. A missing file pins nothing. It is read as
// every repository file is (repofile): a symbolic link out of its
// directory, anything but a regular file, or a file over the size limit
// is refused.
func ReadLock(path string) (Lock, error) {
	src, err := readLockFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Lock{}, nil
	}
	if err != nil {
		return nil, err
	}
	diags := repofile.CheckHCL(src, path)
	var f *hcl.File
	if !diags.HasErrors() {
		f, diags = hclparse.NewParser().ParseHCL(src, path)
	}
	var lf lockFile
	if !diags.HasErrors() {
		diags = gohcl.DecodeBody(f.Body, nil, &lf)
	}
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	l := Lock{}
	for _, p := range lf.Providers {
		if _, dup := l[p.Name]; dup {
			return nil, fmt.Errorf("%s: provider %q is pinned twice", path, p.Name)
		}
		if b, err := hex.DecodeString(p.SHA256); err != nil || len(b) != 32 {
			return nil, fmt.Errorf("%s: provider %q: sha256 must be 64 hexadecimal digits", path, p.Name)
		}
		l[p.Name] = p.SHA256
	}
	return l, nil
}

func readLockFile(path string) ([]byte, error) {
	dir, err := repofile.Open(filepath.Dir(path), repofile.DefaultMaxSize)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	b, err := dir.ReadFile(filepath.Base(path))
	var refused *repofile.RefusedError
	if errors.As(err, &refused) {
		refused.Name = path
	}
	return b, err
}

// diagError renders HCL diagnostics as file:line:col: message.
func diagError(diags hcl.Diagnostics) error {
	var errs []error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		where := ""
		if d.Subject != nil {
			where = d.Subject.String() + ": "
		}
		errs = append(errs, fmt.Errorf("%s%s; %s", where, d.Summary, d.Detail))
	}
	return errors.Join(errs...)
}

// WriteLock replaces the lock file at path with l, atomically.
func WriteLock(path string, l Lock) error {
	var b bytes.Buffer
	b.WriteString("# The external providers this repository trusts, by the SHA-256 of their\n" +
		"# executables. Written by `tend providers lock`; tend refuses to run any\n" +
		"# other provider binary.\n")
	names := make([]string, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "\nprovider %q {\n  sha256 = %q\n}\n", n, l[n])
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".providers.lock.*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
