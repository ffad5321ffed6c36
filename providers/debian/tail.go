package debian

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// outputLimit bounds the transaction output kept for the run report.
const outputLimit = 64 << 10

// tail keeps the last bytes written to it: when apt fails, its last words
// say why. Stdout and stderr are written from two goroutines.
type tail struct {
	mu      sync.Mutex
	limit   int
	buf     []byte
	dropped int64
}

func newTail(limit int) *tail { return &tail{limit: limit} }

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.limit; over > 0 {
		t.dropped += int64(over)
		t.buf = t.buf[:copy(t.buf, t.buf[over:])]
	}
	return len(p), nil
}

// Text is the last max bytes kept, as valid UTF-8, with a note when
// earlier output is missing.
func (t *tail) Text(max int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > max {
		b = b[len(b)-max:]
	}
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0 && !utf8.RuneStart(b[0]); i++ {
		b = b[1:]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if skipped := t.dropped + int64(len(t.buf)-len(b)); skipped > 0 {
		return fmt.Sprintf("(%d earlier bytes not shown)\n%s", skipped, s)
	}
	return s
}
