package e2e

import (
	"os"
	"sync"
	"testing"
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

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
