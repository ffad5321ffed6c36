package plan

import (
	"encoding/json"
	"fmt"
	"os"
)

// Saved is a plan written by `tend plan -out FILE`: the plan itself plus
// where it was made, so that `tend apply FILE` can refuse it when the
// configuration or the host moved since.
type Saved struct {
	Plan
	Repo string `json:"repo"`
	Root string `json:"root"`
}

// WriteFile saves a plan readable by root only: it names paths and
// digests of the host's state.
func WriteFile(path string, s *Saved) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// ReadFile loads a saved plan and checks its format version.
func ReadFile(path string) (*Saved, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Saved
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s is not a saved plan: %v", path, err)
	}
	if s.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%s: plan format %d, this tend reads format %d", path, s.FormatVersion, FormatVersion)
	}
	return &s, nil
}

// Stale compares a saved plan with a fresh plan of the same node and
// returns why the saved one may no longer be applied, or "".
func (s *Saved) Stale(fresh *Plan) string {
	if s.Node != fresh.Node {
		return fmt.Sprintf("the plan is for node %s, not %s", s.Node, fresh.Node)
	}
	if s.Digest != fresh.Digest {
		return "the configuration changed since the plan was made"
	}
	for k, v := range fresh.Computed {
		if was, ok := s.Computed[k]; !ok || was != v {
			return fmt.Sprintf("%s is %s on the host now, not %q as when the plan was made", k, v, was)
		}
	}
	old := map[string]Resource{}
	for _, r := range s.Resources {
		old[r.Address] = r
	}
	for _, r := range fresh.Resources {
		o, ok := old[r.Address]
		switch {
		case !ok:
			return fmt.Sprintf("%s is not in the saved plan", r.Address)
		case o.Observed != r.Observed:
			return fmt.Sprintf("%s changed on the host since the plan was made", r.Address)
		case o.Action != r.Action:
			return fmt.Sprintf("%s: planned %s, now %s", r.Address, o.Action, r.Action)
		}
	}
	return ""
}
