package debian

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// Commands records every command the package starts while a test runs.
type Commands struct {
	mu   sync.Mutex
	runs [][]string
}

// RecordCommands starts recording; the recording stops when t ends.
func RecordCommands(t *testing.T) *Commands {
	c := &Commands{}
	execHook = func(argv []string) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.runs = append(c.runs, slices.Clone(argv))
	}
	t.Cleanup(func() { execHook = nil })
	return c
}

// Count says how many commands ran whose argument vector contains every
// one of words.
func (c *Commands) Count(words ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, argv := range c.runs {
		if containsAll(argv, words) {
			n++
		}
	}
	return n
}

// String lists the commands, one a line.
func (c *Commands) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, argv := range c.runs {
		b.WriteString(strings.Join(argv, " ") + "\n")
	}
	return b.String()
}

func containsAll(argv, words []string) bool {
	for _, w := range words {
		if !slices.Contains(argv, w) {
			return false
		}
	}
	return true
}
