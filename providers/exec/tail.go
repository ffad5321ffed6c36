package exec

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

const (
	// outputLimit bounds the output kept for the run report.
	outputLimit = 64 << 10
	// errorTailLimit bounds the output quoted in an error message.
	errorTailLimit = 4 << 10
)

// tailBuffer keeps the last limit bytes written to it: when a command
// fails, its last words are the ones that say why.
type tailBuffer struct {
	limit   int
	buf     []byte
	dropped int64
}

func newTailBuffer(limit int) *tailBuffer {
	return &tailBuffer{limit: limit}
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.limit {
		t.dropped += int64(len(t.buf) + len(p) - t.limit)
		t.buf = append(t.buf[:0], p[len(p)-t.limit:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.limit; over > 0 {
		t.dropped += int64(over)
		t.buf = t.buf[:copy(t.buf, t.buf[over:])]
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// Total is how many bytes were written, kept or not.
func (t *tailBuffer) Total() int64 { return t.dropped + int64(len(t.buf)) }

// Text is the last max bytes kept, as valid UTF-8, with a note when
// earlier output is missing.
func (t *tailBuffer) Text(max int) string {
	b := t.buf
	if len(b) > max {
		b = b[len(b)-max:]
	}
	// Cutting may have split a character; start at the next whole one.
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0 && !utf8.RuneStart(b[0]); i++ {
		b = b[1:]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if skipped := t.Total() - int64(len(b)); skipped > 0 {
		return fmt.Sprintf("(%d earlier bytes not shown)\n%s", skipped, s)
	}
	return s
}
