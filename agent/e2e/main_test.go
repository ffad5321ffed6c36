package e2e

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tendhq/tend/testfixtures/container"
)

var (
	sharedMu   sync.Mutex
	sharedDirs []string
)

// sharedDir makes a temporary directory for something built once per
// test binary and shared by its tests; TestMain removes it at the end.
func sharedDir(prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err == nil {
		sharedMu.Lock()
		sharedDirs = append(sharedDirs, dir)
		sharedMu.Unlock()
	}
	return dir, err
}

// shared is something built once per test binary (a static binary, the
// .deb) in a directory TestMain removes.
type shared struct {
	once sync.Once
	path string
	err  error
}

// get builds it with build(dir) on first use and fails t when that failed.
func (s *shared) get(t *testing.T, what string, build func(dir string) (string, error)) string {
	t.Helper()
	s.once.Do(func() {
		dir, err := sharedDir("tend-e2e-" + what)
		if err != nil {
			s.err = err
			return
		}
		s.path, s.err = build(dir)
	})
	if s.err != nil {
		t.Fatalf("building %s: %v", what, s.err)
	}
	return s.path
}

// staticBinary builds pkg as the static binary dir/name.
func staticBinary(pkg, name string) func(dir string) (string, error) {
	return func(dir string) (string, error) {
		p := filepath.Join(dir, name)
		return p, container.BuildStatic(pkg, p)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
