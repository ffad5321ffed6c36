package resources

import (
	"errors"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestParseID(t *testing.T) {
	for _, c := range []struct {
		in      string
		id      uint32
		numeric bool
		bad     bool
	}{
		{"0", 0, true, false},
		{"4294967294", 4294967294, true, false},
		{"4294967295", 0, true, true}, // (uid_t)-1: chown's "no change"
		{"4294967296", 0, true, true}, // would wrap to root
		{"99999999999999999999", 0, true, true},
		{"-1", 0, true, true},
		{"+5", 0, true, true},
		{"--5", 0, false, false}, // a (bad) name, see CheckAccountName
		{"postfix", 0, false, false},
		{"", 0, false, false},
	} {
		id, numeric, err := ParseAccountID(c.in)
		if id != c.id || numeric != c.numeric || (err != nil) != c.bad {
			t.Errorf("ParseAccountID(%q) = %d, %v, %v; want %d, %v, error %v", c.in, id, numeric, err, c.id, c.numeric, c.bad)
		}
	}
}

func TestCheckAccountName(t *testing.T) {
	cfg := &Config{Sensitive: map[string]bool{"group": true}}
	for _, v := range []string{"root", "0", "4294967294", "Debian-exim", "www-data"} {
		if err := CheckAccountName(cfg, "owner", v); err != nil {
			t.Errorf("%q: %v", v, err)
		}
	}
	for _, v := range []string{"4294967295", "4294967296", "99999999999999999999", "-1", "", "a:b", "a b", "a\nb", "a\x1bb", "a\x00b"} {
		err := CheckAccountName(cfg, "owner", v)
		var ae *AttrError
		if !errors.As(err, &ae) || ae.Attr != "owner" {
			t.Errorf("%q: %v, want an AttrError about owner", v, err)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x00\x1b\n") {
			t.Errorf("%q: control character in %q", v, err)
		}
	}
	if err := CheckAccountName(cfg, "group", "4294967296"); err == nil || strings.Contains(err.Error(), "4294967296") {
		t.Errorf("sensitive group: %v", err)
	}
}

func TestCheckPaths(t *testing.T) {
	cfg := func(p string, sensitive bool) *Config {
		return &Config{Values: map[string]cty.Value{"path": cty.StringVal(p), "other": cty.NullVal(cty.String)},
			Sensitive: map[string]bool{"path": sensitive}}
	}
	if err := CheckPaths(cfg("/etc/ça va/x.conf", false), "path", "other"); err != nil {
		t.Errorf("plain path: %v", err)
	}
	for _, p := range []string{"/etc/a\nb", "/etc/a\x00b", "/etc/\x1b]0;x\a", "/etc/a\tb", "/etc/a\x7f", "/etc/a\u009bb"} {
		err := CheckPaths(cfg(p, false), "other", "path")
		var ae *AttrError
		if !errors.As(err, &ae) || ae.Attr != "path" {
			t.Errorf("%q: %v, want an AttrError about path", p, err)
			continue
		}
		if Printable(err.Error()) != err.Error() {
			t.Errorf("%q: the message holds a control character: %q", p, err)
		}
	}
	if err := CheckPaths(cfg("/etc/secret-name\n", true), "path"); err == nil || strings.Contains(err.Error(), "secret-name") {
		t.Errorf("sensitive path: %v", err)
	}
}
