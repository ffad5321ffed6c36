package plugin

import "testing"

func TestCaptureKeepsBothEnds(t *testing.T) {
	c := newCapture(8)
	if s := c.String(); s != "it wrote nothing to stderr" {
		t.Errorf("empty: %q", s)
	}
	c.Write([]byte("012"))
	if s := c.String(); s != "its stderr:\n012" {
		t.Errorf("short: %q", s)
	}
	c.Write([]byte("3456"))
	c.Write([]byte("789abc"))
	if s := c.String(); s != "its stderr (13 bytes; 5 in the middle not shown):\n0123\n[...]\n9abc" {
		t.Errorf("long: %q", s)
	}
}
