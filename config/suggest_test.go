package config

import "testing"

func TestDidYouMean(t *testing.T) {
	for _, c := range []struct {
		typed string
		cands []string
		want  string
	}{
		{"emailot", []string{"email", "emailout"}, ` Did you mean "emailout"?`},
		{"dkim_selectr", []string{"dkim_domain", "dkim_selector"}, ` Did you mean "dkim_selector"?`},
		{"postfx", []string{"opendkim", "postfix"}, ` Did you mean "postfix"?`},
		{"x", []string{"y"}, ` Did you mean "y"?`},
		{"web", []string{"database"}, ""},
		{"web", nil, ""},
		{"same", []string{"same"}, ""},
		// equally near: the first in order, whatever the order given
		{"ab", []string{"ac", "aa"}, ` Did you mean "aa"?`},
	} {
		if got := didYouMean(c.typed, c.cands); got != c.want {
			t.Errorf("didYouMean(%q, %q) = %q, want %q", c.typed, c.cands, got, c.want)
		}
	}
}
