package logging

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/coreos/go-systemd/v22/journal"
)

func TestTextFallback(t *testing.T) {
	var buf bytes.Buffer
	log := New(Options{Stderr: &buf, NoJournal: true})
	log.With("run_id", "r1").Info("run finished", "changed", 2)
	log.Debug("not shown")
	got := buf.String()
	if !strings.Contains(got, `level=INFO msg="run finished" run_id=r1 changed=2`) || strings.Contains(got, "not shown") {
		t.Fatalf("text output %q", got)
	}
	if _, ok := log.Handler().(*Journal); ok {
		t.Fatal("NoJournal gave the journal handler")
	}
}

func TestNoJournaldFallsBack(t *testing.T) {
	if journal.Enabled() {
		t.Skip("journald is running here; the container test covers it")
	}
	var buf bytes.Buffer
	New(Options{Stderr: &buf}).Warn("careful")
	if !strings.Contains(buf.String(), "level=WARN msg=careful") {
		t.Fatalf("without journald: %q", buf.String())
	}
}

func TestFields(t *testing.T) {
	vars := map[string]string{}
	addField(vars, "", slog.String("run_id", "r1"))
	addField(vars, "SOURCE_", slog.Group("key", slog.Int("n", 3), slog.Group("", slog.String("inner.x", "y"))))
	addField(vars, "", slog.String("", "dropped"))
	want := map[string]string{"TEND_RUN_ID": "r1", "TEND_SOURCE_KEY_N": "3", "TEND_SOURCE_KEY_INNER_X": "y"}
	if len(vars) != len(want) {
		t.Fatalf("fields %v", vars)
	}
	for k, v := range want {
		if vars[k] != v {
			t.Fatalf("fields %v, want %v", vars, want)
		}
	}
}

func TestHandlerCarriesAttrsAndGroups(t *testing.T) {
	var buf bytes.Buffer
	j := &Journal{fallback: slog.NewTextHandler(&buf, nil)}
	h := j.WithAttrs([]slog.Attr{slog.String("node", "mx1")}).WithGroup("res")
	h2 := h.WithAttrs([]slog.Attr{slog.String("address", "file.a")})
	jj := h2.(*Journal)
	if jj.fields["TEND_NODE"] != "mx1" || jj.fields["TEND_RES_ADDRESS"] != "file.a" || jj.prefix != "RES_" {
		t.Fatalf("handler %+v", jj)
	}
	if _, ok := j.fields["TEND_NODE"]; ok {
		t.Fatal("WithAttrs changed its parent")
	}
	if !j.Enabled(context.Background(), slog.LevelInfo) || j.Enabled(context.Background(), slog.LevelDebug) {
		t.Fatal("default level is not Info")
	}
}

func TestPriority(t *testing.T) {
	for l, p := range map[slog.Level]journal.Priority{
		slog.LevelDebug: journal.PriDebug, slog.LevelInfo: journal.PriInfo,
		slog.LevelWarn: journal.PriWarning, slog.LevelError: journal.PriErr, slog.LevelError + 4: journal.PriErr,
	} {
		if got := priority(l); got != p {
			t.Errorf("priority(%v) = %d, want %d", l, got, p)
		}
	}
}

// A field holding a control character (a path, a command's output) is
// stored escaped: journalctl -a would print it as it is.
func TestFieldsEscapeControls(t *testing.T) {
	vars := map[string]string{}
	addField(vars, "", slog.String("error", "exec.x: out\x1b]0;pwned\a"))
	if got := vars["TEND_ERROR"]; got != `exec.x: out\x1b]0;pwned\x07` {
		t.Fatalf("TEND_ERROR = %q", got)
	}
}
