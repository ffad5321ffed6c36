package debian

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tendhq/tend/resources/atomicfile"
)

// staleListsFile, under the state directory, says that an APT source
// changed since the package lists were last refreshed: it lists the
// sources, one a line. An apt_source writes it (atomically, before its
// own Apply returns) whenever it changed a file; the next package
// transaction of the root runs apt-get update first and removes it once
// the update succeeded. A run that stops in between, or that changes a
// source but no package, leaves it for the next transaction: the lists
// are refreshed then, whichever run it is.
const staleListsFile = "apt-lists-stale"

// markListsStale records that source changed, keeping the sources an
// earlier run recorded.
func markListsStale(stateDir, source string) error {
	if stateDir == "" {
		return errors.New("no state directory to record that the package lists are stale in")
	}
	names, err := staleSources(stateDir)
	if err != nil {
		return err
	}
	if slices.Contains(names, source) {
		return nil
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return fmt.Errorf("recording that the package lists are stale: %w", err)
	}
	names = append(names, source)
	data := []byte(strings.Join(names, "\n") + "\n")
	path := filepath.Join(stateDir, staleListsFile)
	if err := atomicfile.WriteFile(path, data, atomicfile.Options{Mode: 0o600}); err != nil {
		return fmt.Errorf("recording that the package lists are stale: %w", err)
	}
	return nil
}

// staleSources lists the sources changed since the lists were last
// refreshed; none when the state directory is unset or has no record.
func staleSources(stateDir string) ([]string, error) {
	if stateDir == "" {
		return nil, nil
	}
	path := filepath.Join(stateDir, staleListsFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading whether the package lists are stale: %w", err)
	}
	return strings.Fields(string(b)), nil
}

// clearListsStale removes the record after a successful apt-get update.
func clearListsStale(stateDir string) error {
	if stateDir == "" {
		return nil
	}
	err := os.Remove(filepath.Join(stateDir, staleListsFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the package lists are fresh, but the record saying they are stale stays: %w", err)
	}
	return nil
}
