package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ReadSummary reads the state directory's last run summary. A missing
// file is an error satisfying errors.Is(err, fs.ErrNotExist): no run has
// recorded one yet.
func ReadSummary(stateDir string) (*LastRunSummary, error) {
	path := filepath.Join(stateDir, SummaryFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s LastRunSummary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}
