package plugin

import (
	"fmt"
	"sync"
)

// stderrLimit bounds how much of a provider's stderr an error carries:
// enough for a Go panic's message and the panicking goroutine's stack.
const stderrLimit = 8 << 10

// capture keeps the beginning and the end of what is written to it, half
// the limit each: a panic's message and the panicking goroutine come
// first (other goroutines' stacks may follow), while a provider's last
// words before exiting come at the end. go-plugin writes the provider's
// stderr to it from its own goroutines.
type capture struct {
	mu    sync.Mutex
	half  int
	head  []byte
	tail  []byte
	total int64
}

func newCapture(limit int) *capture { return &capture{half: limit / 2} }

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += int64(len(p))
	rest := p
	if room := c.half - len(c.head); room > 0 {
		n := min(room, len(rest))
		c.head = append(c.head, rest[:n]...)
		rest = rest[n:]
	}
	c.tail = append(c.tail, rest...)
	if over := len(c.tail) - c.half; over > 0 {
		c.tail = append(c.tail[:0], c.tail[over:]...)
	}
	return len(p), nil
}

// String is what an error shows: what was kept, saying how much was not.
func (c *capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.total == 0 {
		return "it wrote nothing to stderr"
	}
	kept := int64(len(c.head) + len(c.tail))
	if dropped := c.total - kept; dropped > 0 {
		return fmt.Sprintf("its stderr (%d bytes; %d in the middle not shown):\n%s\n[...]\n%s", c.total, dropped, c.head, c.tail)
	}
	return "its stderr:\n" + string(c.head) + string(c.tail)
}
