package health

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serve greets every connection on l with banner (nothing when empty).
func serve(t *testing.T, l net.Listener, banner string) {
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if banner != "" {
				c.Write([]byte(banner + "\r\n"))
			}
			c.Close()
		}
	}()
}

func TestBannerChecks(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serve(t, l, "220 mx.example.test ESMTP")
	ok := Check{TCP: l.Addr().String(), Expect: "220", Retry: 0}
	if err := Run(context.Background(), []Check{ok}); err != nil {
		t.Fatalf("a 220 greeting failed the check: %v", err)
	}
	bad := Check{Name: "imap greets", TCP: l.Addr().String(), Expect: "* OK"}
	err = Run(context.Background(), []Check{ok, bad})
	var f *Failure
	if !errors.As(err, &f) || f.Check != "imap greets" || !strings.Contains(f.Output, `greeted "220 mx.example.test ESMTP", not "* OK"`) {
		t.Fatalf("wrong greeting: %v", err)
	}
}

func TestUnixSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "milter.sock")
	c := Check{Unix: path, Timeout: time.Second}
	if err := Run(context.Background(), []Check{c}); err == nil {
		t.Fatal("a missing socket passed")
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	serve(t, l, "")
	if err := Run(context.Background(), []Check{c}); err != nil {
		t.Fatalf("a listening socket failed: %v", err)
	}
}

// A failing check is retried for its window, so a service that comes up
// a moment after its restart passes.
func TestRetryWindow(t *testing.T) {
	dir := t.TempDir()
	c := Check{Command: "test -f up || { echo not yet; exit 1; }", Dir: dir, Retry: 5 * time.Second}
	go func() {
		time.Sleep(700 * time.Millisecond)
		_ = exec1(dir)
	}()
	start := time.Now()
	if err := Run(context.Background(), []Check{c}); err != nil {
		t.Fatalf("the check did not wait for the service: %v", err)
	}
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Fatalf("passed after %s, before the file existed", d)
	}
	c.Retry = 0
	c.Command = "echo broken >&2; exit 3"
	err := Run(context.Background(), []Check{c})
	if err == nil || err.Error() != `health check command "echo broken >&2; exit 3" failed: exit status 3: broken` {
		t.Fatalf("failure: %v", err)
	}
}

func exec1(dir string) error {
	return Run(context.Background(), []Check{{Command: "touch up", Dir: dir}})
}

func TestCommandTimeoutKillsGroup(t *testing.T) {
	c := Check{Command: "sleep 30 & sleep 30", Timeout: 300 * time.Millisecond}
	start := time.Now()
	err := Run(context.Background(), []Check{c})
	if err == nil || !strings.Contains(err.Error(), "did not finish within 300ms and was killed") {
		t.Fatalf("timeout: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %s: the group was not killed", d)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []Check{{}, {Command: "true", TCP: "127.0.0.1:1"}, {Command: "true", Expect: "220"}, {TCP: "localhost"}} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
