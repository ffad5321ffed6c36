package catalogdiff

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
)

// RefError is a ref the repository cannot resolve to a commit.
type RefError struct {
	Ref string
	Err error
}

func (e *RefError) Error() string {
	return fmt.Sprintf("%s is not a commit of the repository: %v", e.Ref, e.Err)
}

func (e *RefError) Unwrap() error { return e.Err }

// git runs git in the repository, without the user's configuration
// deciding how refs are read, and returns its standard output.
func git(ctx context.Context, repo string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg == "" {
			return nil, fmt.Errorf("git %s: %w", args[0], err)
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return stdout.Bytes(), nil
}

// resolve returns the commit a ref names.
func resolve(ctx context.Context, repo, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return "", &RefError{Ref: ref, Err: errors.New("not a ref name")}
	}
	out, err := git(ctx, repo, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return "", &RefError{Ref: ref, Err: errors.New("no such commit")}
	}
	return strings.TrimSpace(string(out)), nil
}

// export writes the files of commit into dir, which must be empty: git
// archive's tar stream, extracted beneath dir only (a symbolic link in
// the commit is recreated, never followed out of dir).
func export(ctx context.Context, repo, commit, dir string) error {
	out, err := git(ctx, repo, "archive", "--format=tar", commit)
	if err != nil {
		return fmt.Errorf("exporting commit %s: %w", commit, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("exporting commit %s: %w", commit, err)
		}
		if err := extract(root, h, tr); err != nil {
			return fmt.Errorf("exporting %s of commit %s: %w", h.Name, commit, err)
		}
	}
}

func extract(root *os.Root, h *tar.Header, r io.Reader) error {
	name := path.Clean(h.Name)
	switch h.Typeflag {
	case tar.TypeDir:
		return root.MkdirAll(name, 0o755)
	case tar.TypeSymlink:
		return root.Symlink(h.Linkname, name)
	case tar.TypeReg:
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, os.FileMode(h.Mode).Perm()|0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return nil // the archive's global header: nothing to write
}
