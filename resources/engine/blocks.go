package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/tendhq/tend/resources/atomicfile"
)

// BlocksFile is the state directory file holding the changes a failed
// health check rolled back.
const BlocksFile = "blocks.json"

// Block is a change that was rolled back because a health check failed
// after it: until its members' configuration changes (Digest no longer
// matches) or an admin clears it, plans show it as blocked and applies
// refuse it, so the same bad content is not applied again run after run.
type Block struct {
	// Target is the resource whose health check failed.
	Target string `json:"target"`
	// Members are the resources rolled back.
	Members []string `json:"members"`
	// Digest is over the members' configuration when they were rolled
	// back (see MembersDigest).
	Digest string    `json:"digest"`
	At     time.Time `json:"at"`
	Check  string    `json:"check"`
}

// Why says what happened, for plans, errors and `tend unblock`.
func (b Block) Why() string {
	return fmt.Sprintf("rolled back at %s: health check %s of %s failed", b.At.UTC().Format(time.RFC3339), b.Check, b.Target)
}

// Blocks is the durable set of blocks. Every change is written to disk
// before the call returns.
type Blocks struct {
	mu   sync.Mutex
	path string
	list []Block
}

// OpenBlocks loads the blocks of a state directory; with an empty
// directory they are kept in memory only. A file that cannot be read as
// blocks is ignored, and moved aside when heal is set (runs that may
// change the state directory); the warning returned says so: a damaged
// record must not stop every run (the worst outcome is that a rolled
// back change is tried once more).
func OpenBlocks(stateDir string, heal bool) (b *Blocks, warning string, err error) {
	b = &Blocks{}
	if stateDir == "" {
		return b, "", nil
	}
	b.path = filepath.Join(stateDir, BlocksFile)
	data, err := os.ReadFile(b.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return b, "", nil
	case err == nil:
		if err = json.Unmarshal(data, &b.list); err == nil {
			return b, "", nil
		}
	}
	if !heal {
		return &Blocks{}, fmt.Sprintf("%s could not be read (%v): ignored", b.path, err), nil
	}
	aside, rerr := atomicfile.MoveAside(b.path)
	if rerr != nil {
		return nil, "", fmt.Errorf("%s: %v, and it cannot be moved aside: %w", b.path, err, rerr)
	}
	b.list = nil
	return b, fmt.Sprintf("%s could not be read (%v); moved aside to %s: changes rolled back before may be tried again", b.path, err, aside), nil
}

// MembersDigest hashes the configuration digests of the members, as
// digestOf gives them ("" for a resource no longer configured).
func MembersDigest(members []string, digestOf func(addr string) string) string {
	sorted := slices.Clone(members)
	sort.Strings(sorted)
	h := sha256.New()
	for _, m := range sorted {
		fmt.Fprintf(h, "%s=%s\n", m, digestOf(m))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// current returns the blocks whose members' configuration is unchanged.
func (b *Blocks) current(digestOf func(string) string) []Block {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Block
	for _, bl := range b.list {
		if MembersDigest(bl.Members, digestOf) == bl.Digest {
			out = append(out, bl)
		}
	}
	return out
}

// Lift forgets the blocks whose members' configuration changed.
func (b *Blocks) Lift(digestOf func(string) string) error {
	cur := b.current(digestOf)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(cur) == len(b.list) {
		return nil
	}
	b.list = cur
	return b.save()
}

// Add records a block, replacing an earlier one of the same target.
func (b *Blocks) Add(bl Block) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.list = slices.DeleteFunc(b.list, func(o Block) bool { return o.Target == bl.Target })
	b.list = append(b.list, bl)
	return b.save()
}

// Clear removes every block whose target or one of whose members is addr,
// and returns them.
func (b *Blocks) Clear(addr string) ([]Block, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var cleared, kept []Block
	for _, bl := range b.list {
		if bl.Target == addr || slices.Contains(bl.Members, addr) {
			cleared = append(cleared, bl)
		} else {
			kept = append(kept, bl)
		}
	}
	if len(cleared) == 0 {
		return nil, nil
	}
	b.list = kept
	return cleared, b.save()
}

// List returns every recorded block.
func (b *Blocks) List() []Block {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.list)
}

func (b *Blocks) save() error {
	if err := writeState(b.path, b.list); err != nil {
		return fmt.Errorf("recording blocks in %s: %w", b.path, err)
	}
	return nil
}

// blockedHow is the text plans and errors show for a blocked member.
func blockedHow(bl Block, addr string) string {
	return "blocked: " + bl.Why() + "; it is not applied again until its configuration changes or `tend unblock " + addr + "` is run"
}
