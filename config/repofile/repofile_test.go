package repofile_test

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tendhq/tend/config/repofile"
)

const canary = "CANARY-7f3e9a-outside-the-repository"

// layout builds a repository beside a directory outside it holding a
// canary file, and returns the repository's directory.
func layout(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{repo + "/files/sub", outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(outside, "secret"), canary)
	write(t, filepath.Join(repo, "files/plain"), "plain\n")
	write(t, filepath.Join(repo, "files/sub/deep"), "deep\n")
	links := map[string]string{
		"files/inside":       "plain",                              // stays inside
		"files/inside-up":    "../files/sub/deep",                  // climbs, stays inside
		"files/absolute":     filepath.Join(outside, "secret"),     // absolute, out
		"files/relative":     "../../outside/secret",               // climbs out
		"files/outdir":       outside,                              // a directory out
		"files/chain":        "absolute",                           // a link to a link out
		"files/sub/climb":    "../../../outside/secret",            // climbs out from a subdirectory
		"files/dev":          "/dev/zero",                          // a device, out
		"files/via-root":     "/" + strings.Repeat("../", 3) + "x", // absolute again
		"files/inside-dir":   "sub",
		"files/inside-chain": "inside",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(repo, name)); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, repo string, max int64) *repofile.Dir {
	t.Helper()
	d, err := repofile.Open(repo, max)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestReadInside(t *testing.T) {
	d := open(t, layout(t), 0)
	for name, want := range map[string]string{
		"files/plain": "plain\n", "files/inside": "plain\n", "files/inside-up": "deep\n",
		"files/inside-dir/deep": "deep\n", "files/inside-chain": "plain\n", "files/sub/../plain": "plain\n",
	} {
		got, err := d.ReadFile(name)
		if err != nil || string(got) != want {
			t.Errorf("ReadFile(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestLinksOutAreRefused(t *testing.T) {
	d := open(t, layout(t), 0)
	for name, want := range map[string]string{
		"files/absolute":             `is a symbolic link to "`, /* the outside path follows */
		"files/relative":             `is a symbolic link to "../../outside/secret", which leaves the repository`,
		"files/outdir/secret":        `is reached through files/outdir, a symbolic link to "`,
		"files/chain":                `is reached through files/absolute, a symbolic link to "`,
		"files/sub/climb":            `is a symbolic link to "../../../outside/secret", which leaves the repository`,
		"files/dev":                  `is a symbolic link to "/dev/zero", which leaves the repository`,
		"files/via-root":             `which leaves the repository`,
		"../outside/secret":          `leaves the repository`,
		"files/../../outside/secret": `leaves the repository`,
	} {
		b, err := d.ReadFile(name)
		var refused *repofile.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadFile(%s) = %q, %v; want a refusal with %q", name, b, err, want)
			continue
		}
		if strings.Contains(err.Error(), canary) || len(b) != 0 {
			t.Errorf("ReadFile(%s) leaked the target: %q, %v", name, b, err)
		}
		if _, err := d.Stat(name); err == nil {
			t.Errorf("Stat(%s) succeeded", name)
		}
	}
	if _, err := d.ReadDir("files/outdir"); err == nil || !strings.Contains(err.Error(), "leaves the repository") {
		t.Errorf("ReadDir(files/outdir) = %v, want a refusal", err)
	}
	if _, err := d.ReadFile("files/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v, want fs.ErrNotExist", err)
	}
}

func TestOnlyRegularFiles(t *testing.T) {
	repo := layout(t)
	if err := syscall.Mkfifo(filepath.Join(repo, "files/fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(repo, "files/sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	d := open(t, repo, 0)
	for name, want := range map[string]string{
		"files/fifo": "is a named pipe (FIFO), not a regular file",
		"files/sock": "is a socket, not a regular file",
		"files/sub":  "is a directory, not a regular file",
	} {
		done := make(chan error, 1)
		go func() { _, err := d.ReadFile(name); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ReadFile(%s) = %v, want %q", name, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ReadFile(%s) blocks", name)
		}
	}
}

func TestSizeLimit(t *testing.T) {
	repo := layout(t)
	write(t, filepath.Join(repo, "files/big"), strings.Repeat("x", 2049))
	write(t, filepath.Join(repo, "files/fits"), strings.Repeat("x", 2048))
	d := open(t, repo, 2048)
	if _, err := d.ReadFile("files/big"); err == nil || !strings.Contains(err.Error(), "is larger than the limit of 2KiB per repository file") {
		t.Errorf("ReadFile(big) = %v", err)
	}
	if b, err := d.ReadFile("files/fits"); err != nil || len(b) != 2048 {
		t.Errorf("ReadFile(fits) = %d bytes, %v", len(b), err)
	}
	if got := open(t, repo, 0).MaxSize(); got != repofile.DefaultMaxSize {
		t.Errorf("default limit %d", got)
	}
}

func TestReadDir(t *testing.T) {
	d := open(t, layout(t), 0)
	entries, err := d.ReadDir("files")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); !strings.HasPrefix(got, "absolute chain dev inside") {
		t.Errorf("ReadDir = %s, want sorted entries", got)
	}
}

func TestSizes(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "64MiB": 64 << 20, "512KiB": 512 << 10, "2GiB": 2 << 30} {
		if got, err := repofile.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%s) = %d, %v", in, got, err)
		}
		if got := repofile.FormatSize(want); got != in {
			t.Errorf("FormatSize(%d) = %s, want %s", want, got, in)
		}
	}
	for _, bad := range []string{"", "0", "-1", "1MB", "MiB", "1.5MiB", "99999999999999999999", "9000000000GiB", " 1"} {
		if _, err := repofile.ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

// Links that stay inside the repository but loop, or chain more than the
// kernel follows, are refused as such — not as links that leave it.
func TestLinkLoopsAreNotSaidToLeave(t *testing.T) {
	repo := layout(t)
	for name, target := range map[string]string{
		"files/loop1": "loop2", "files/loop2": "loop1", "files/self": ".",
	} {
		if err := os.Symlink(target, filepath.Join(repo, name)); err != nil {
			t.Fatal(err)
		}
	}
	d := open(t, repo, 0)
	for _, name := range []string{"files/loop1", "files/" + strings.Repeat("self/", 45) + "plain"} {
		_, err := d.ReadFile(name)
		var refused *repofile.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), "symbolic links that loop or chain more than 40 deep") || strings.Contains(err.Error(), "leaves") {
			t.Errorf("ReadFile(%s) = %v; want a refusal naming a loop", name, err)
		}
	}
}
