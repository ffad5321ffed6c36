package resources

import (
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	key := "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\nAwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"
	r := NewRedactor([]string{"CANARY-123", "CANARY-123-long", "abc", key})
	for in, want := range map[string]string{
		"password CANARY-123-long and CANARY-123":              "password (sensitive) and (sensitive)",
		"panic: bad line \"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49\"": "panic: bad line \"(sensitive)\"",
		"abc is too short to redact":                           "abc is too short to redact",
		"":                                                     "",
	} {
		if got := r.String(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	var none *Redactor
	if none.String("x") != "x" || NewRedactor(nil).String("CANARY-123") != "CANARY-123" {
		t.Fatal("an empty redactor changed text")
	}
	c := Change{Reason: "differs from CANARY-123", Warnings: []string{"CANARY-123"}, Attrs: []AttrChange{{Name: "a", Old: "CANARY-123"}}}
	r.Change(&c)
	if c.Reason != "differs from (sensitive)" || c.Warnings[0] != Masked || c.Attrs[0].Old != Masked {
		t.Fatalf("change not redacted: %+v", c)
	}
	// A secret the configuration did not mark sensitive, echoed into a
	// known format's settings, is caught there too.
	c = Change{Content: DiffText("/etc/postfix/main.cf", []byte("a = 1\n"), []byte("a = CANARY-123\nCANARY-123-long = 2\n"), false)}
	r.Change(&c)
	if s := c.Content.Settings; len(s) != 2 || s[0].New != Masked || s[1].Name != Masked {
		t.Fatalf("settings not redacted: %+v", s)
	}
}

func TestResourceRedactor(t *testing.T) {
	r := NewResourceRedactor([]string{"bob", "0600", "x", "a\"b\nc"})
	for in, want := range map[string]string{
		`unknown user "bob"`:           `unknown user "(sensitive)"`,
		"mode 0600 is not allowed":     "mode (sensitive) is not allowed",
		"x is too short to be one":     "x is too short to be one",
		`line "a\"b\nc" quoted by %q`:  `line "(sensitive)" quoted by %q`,
		"the diff of /etc/x is masked": "the diff of /etc/x is masked",
	} {
		if got := r.String(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// Redacting a clone leaves the original, and everything it points to, as
// it was: a console shows a redacted copy while the run still holds the
// change.
func TestRedactClone(t *testing.T) {
	r := NewRedactor([]string{"CANARY-123"})
	orig := Change{Reason: "CANARY-123", Warnings: []string{"CANARY-123"}, Attrs: []AttrChange{{Name: "a", New: "CANARY-123"}},
		Content: DiffText("/etc/postfix/main.cf", []byte("a = 1\n"), []byte("a = CANARY-123\n"), false)}
	c := orig.Clone()
	r.Change(&c)
	if c.Attrs[0].New != Masked || c.Content.Settings[0].New != Masked || c.Content.Hunks[0].Lines[1].Text == orig.Content.Hunks[0].Lines[1].Text {
		t.Fatalf("clone not redacted: %+v", c)
	}
	if orig.Warnings[0] != "CANARY-123" || orig.Attrs[0].New != "CANARY-123" || orig.Content.Settings[0].New != "CANARY-123" ||
		!strings.Contains(orig.Content.Hunks[0].Lines[1].Text, "CANARY-123") {
		t.Fatalf("redacting the clone changed the original: %+v %+v", orig, orig.Content)
	}
}
