package supervise

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"
)

// crashLimit bounds the crash text kept: a panic's or fatal error's
// message and the frames that matter come first.
const crashLimit = 64 << 10

// crashStarts are how the Go runtime begins a crash report.
var crashStarts = [][]byte{
	[]byte("panic: "), []byte("fatal error: "), []byte("runtime: goroutine stack exceeds"),
	[]byte("unexpected fault address"), []byte("SIGSEGV: "), []byte("SIGBUS: "), []byte("SIGABRT: "), []byte("SIGQUIT: "),
}

// stderrCopy forwards the child's stderr and holds back what follows the
// first line that starts a crash report, so that it can be redacted (and
// bounded) before it is shown.
type stderrCopy struct {
	done  chan struct{}
	held  bytes.Buffer
	extra int64
}

func copyStderr(r io.Reader, w io.Writer) *stderrCopy {
	c := &stderrCopy{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		br := bufio.NewReaderSize(r, 4096)
		holding, lineStart := false, true
		for {
			chunk, err := br.ReadSlice('\n')
			if len(chunk) > 0 {
				if !holding && lineStart && isCrashStart(chunk) {
					holding = true
				}
				if holding {
					c.hold(chunk)
				} else {
					_, _ = w.Write(chunk)
				}
				lineStart = chunk[len(chunk)-1] == '\n'
			}
			if err != nil && err != bufio.ErrBufferFull {
				return
			}
		}
	}()
	return c
}

func isCrashStart(line []byte) bool {
	for _, p := range crashStarts {
		if bytes.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

func (c *stderrCopy) hold(b []byte) {
	if room := crashLimit - c.held.Len(); room > 0 {
		n := min(room, len(b))
		c.held.Write(b[:n])
		b = b[n:]
	}
	c.extra += int64(len(b))
}

// wait returns the held text once the child's stderr is closed by every
// process that had it; after stderrDrain it closes r and stops waiting.
func (c *stderrCopy) wait(r *os.File) string {
	select {
	case <-c.done:
	case <-time.After(stderrDrain):
		r.Close()
		<-c.done
	}
	r.Close()
	if c.extra > 0 {
		fmt.Fprintf(&c.held, "\n(… %d bytes cut)\n", c.extra)
	}
	return c.held.String()
}
