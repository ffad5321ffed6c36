package debian

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tendhq/tend/resources"
)

// statusFd is the file descriptor apt-get writes its progress to
// (APT::Status-Fd): the first of the command's extra files.
const statusFd = "3"

// statusGrace bounds how long, after apt-get exited, its progress is still
// read: a maintainer script that left a daemon holding the descriptor must
// not hold up the run.
const statusGrace = time.Second

// lineTeller tells each line written to it as a resources.Message: what
// apt and dpkg print reaches the operator while they run. Stdout and
// stderr are written from two goroutines.
type lineTeller struct {
	ctx     context.Context
	mu      sync.Mutex
	partial []byte
}

func (t *lineTeller) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial = append(t.partial, p...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		if line := strings.TrimRight(string(t.partial[:i]), "\r "); line != "" {
			resources.Tell(t.ctx, resources.News{Kind: resources.Message, Text: line})
		}
		t.partial = t.partial[i+1:]
	}
}

// aptStatus turns a line apt-get wrote to its status descriptor into
// news: "pmstatus:postfix:42.8571:Installing postfix (amd64)" and
// "dlstatus:3:12.0000:Retrieving file 3 of 25" are progress, a pmerror
// is a message; ok is false for anything else (conffile prompts, which
// --force-confold answers, and media changes).
func aptStatus(line string) (n resources.News, ok bool) {
	f := strings.SplitN(line, ":", 4)
	if len(f) != 4 {
		return n, false
	}
	pct, err := strconv.ParseFloat(f[2], 64)
	if err != nil {
		return n, false
	}
	switch f[0] {
	case "pmstatus", "dlstatus":
		return resources.News{Kind: resources.Status, Text: f[3], Percent: pct}, true
	case "pmerror":
		return resources.News{Kind: resources.Message, Text: "error: " + f[1] + ": " + f[3]}, true
	}
	return n, false
}

// statusPipe makes the pipe a command writes its progress to; tell
// receives each line. The caller gives w to the command, closes it once
// the command started, and calls wait once the command exited.
func statusPipe(ctx context.Context) (w *os.File, wait func(), err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if n, ok := aptStatus(sc.Text()); ok {
				resources.Tell(ctx, n)
			}
		}
	}()
	wait = func() {
		select {
		case <-done:
		case <-time.After(statusGrace):
		}
		r.Close()
		<-done
	}
	return w, wait, nil
}
