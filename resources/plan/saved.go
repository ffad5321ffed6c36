package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Saved is a plan written by `tend plan -out FILE`: the plan itself, where
// and by what it was made, and a digest over all of it, so that
// `tend apply FILE` applies exactly what was reviewed, on the host it was
// made for, or nothing.
type Saved struct {
	Plan
	Repo string `json:"repo"`
	Made
	// SHA256 is the digest of everything else in the file (the plan's
	// resources with their diffs and reasons, the node, where it was
	// made); any edit shows as a mismatch. It detects edits, not a
	// forger who recomputes it: the file must stay where only root
	// writes.
	SHA256 string `json:"plan_sha256"`
}

// Made says where and by what a plan was made; `tend apply FILE` runs
// only where all of it still holds.
type Made struct {
	// Host is the machine-id under Root (etc/machine-id, else
	// var/lib/dbus/machine-id); "" when there was none.
	Host     string `json:"host_machine_id"`
	Root     string `json:"root"`
	StateDir string `json:"state_dir"`
	// Tend names the tend binary that made the plan.
	Tend string `json:"tend_version"`
}

// MachineID reads the host identity under root: etc/machine-id, else
// var/lib/dbus/machine-id; "" when neither exists.
func MachineID(root string) (string, error) {
	for _, p := range []string{"etc/machine-id", "var/lib/dbus/machine-id"} {
		b, err := os.ReadFile(filepath.Join(root, p))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("reading the host's identity: %w", err)
		}
		if id := string(bytes.TrimSpace(b)); id != "" {
			return id, nil
		}
	}
	return "", nil
}

// Seal computes the digest over the saved plan as it stands.
func (s *Saved) Seal() error {
	sum, err := s.digest()
	s.SHA256 = sum
	return err
}

func (s *Saved) digest() (string, error) {
	c := *s
	c.SHA256 = ""
	b, err := json.Marshal(&c)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// WriteFile seals and saves a plan readable by root only: it names paths
// and digests of the host's state.
func WriteFile(path string, s *Saved) error {
	if err := s.Seal(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// ReadFile loads a saved plan, checks its format version and that nothing
// in it changed since it was saved.
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
	sum, err := s.digest()
	if err != nil {
		return nil, err
	}
	if s.SHA256 == "" || sum != s.SHA256 {
		return nil, fmt.Errorf("%s was changed after it was saved: its content does not match its digest (plan_sha256); nothing was applied, make a new plan", path)
	}
	return &s, nil
}

// Mismatch compares where a plan was made with where it would be
// applied and says what differs, or "".
func (m Made) Mismatch(here Made) string {
	switch {
	case m.Tend != here.Tend:
		return fmt.Sprintf("it was made by tend %q, this is tend %q", m.Tend, here.Tend)
	case m.Root != here.Root:
		return fmt.Sprintf("it was made for root %s, not %s", m.Root, here.Root)
	case m.StateDir != here.StateDir:
		return fmt.Sprintf("it was made with state directory %s, not %s", m.StateDir, here.StateDir)
	case m.Host != here.Host && m.Host == "":
		return fmt.Sprintf("it was made where %s had no machine-id; this host's is %s", m.Root, here.Host)
	case m.Host != here.Host && here.Host == "":
		return fmt.Sprintf("it was made on the host with machine-id %s; %s has none", m.Host, here.Root)
	case m.Host != here.Host:
		return fmt.Sprintf("it was made on the host with machine-id %s, this host's is %s", m.Host, here.Host)
	}
	return ""
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
	return s.staleResources(fresh)
}

// staleResources compares resource by resource: the observed state, the
// action and what the plan showed must all be the same.
func (s *Saved) staleResources(fresh *Plan) string {
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
		case !sameChange(o, r):
			return fmt.Sprintf("%s: the change now differs from the one the plan shows", r.Address)
		}
		delete(old, r.Address)
	}
	for a := range old {
		return fmt.Sprintf("%s is in the saved plan but no longer in the configuration", a)
	}
	return ""
}

// sameChange compares what a plan shows of a change, warnings aside (they
// may say how many days are left of something). A saved plan's content
// diff without a format was made before plans compared settings, or is of
// a format tend does not know: the fresh plan's settings, which follow
// from the same content, are then left out of the comparison.
func sameChange(a, b Resource) bool {
	x, y := a.Change, b.Change
	x.Warnings, y.Warnings = nil, nil
	if x.Content != nil && y.Content != nil && x.Content.Format == "" {
		c := *y.Content
		c.Format, c.Settings = "", nil
		y.Content = &c
	}
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return bytes.Equal(bx, by)
}
