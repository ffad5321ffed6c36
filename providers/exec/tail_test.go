package exec

import (
	"strings"
	"testing"
)

func TestTailBufferKeepsTail(t *testing.T) {
	b := newTailBuffer(10)
	for _, s := range []string{"abc", "defgh", "ijklmnop", "q"} {
		b.Write([]byte(s))
	}
	if string(b.buf) != "hijklmnopq" || b.Total() != 17 {
		t.Errorf("kept %q of %d", b.buf, b.Total())
	}
	b.Write([]byte(strings.Repeat("x", 25) + "end"))
	if string(b.buf) != "xxxxxxxend" || b.Total() != 45 {
		t.Errorf("kept %q of %d", b.buf, b.Total())
	}
}

func TestTailTextCutsAtCharacter(t *testing.T) {
	b := newTailBuffer(100)
	b.Write([]byte("héllo"))
	// The last 4 bytes start inside é, which is dropped whole.
	if got := b.Text(4); got != "(3 earlier bytes not shown)\nllo" {
		t.Errorf("got %q", got)
	}
	if got := b.Text(100); got != "héllo" {
		t.Errorf("got %q", got)
	}
}
