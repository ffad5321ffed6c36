package resources

import "testing"

func TestAddressSensitiveKey(t *testing.T) {
	for _, a := range []Address{
		{Kind: "file", Name: "motd"},
		{Module: []string{"a", "b"}, Kind: "postfix_map", Name: "maps", Key: "transport", Keyed: true},
		{Kind: "file", Name: "keys", Key: "the secret", Keyed: true, KeyTag: "3f2a"},
	} {
		s := a.String()
		b, err := ParseAddress(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if b.String() != s {
			t.Errorf("%s reads back as %s", s, b)
		}
	}
	sens := Address{Kind: "file", Name: "keys", Key: "the secret", Keyed: true, KeyTag: "3f2a"}
	if got := sens.String(); got != "file.keys[(sensitive 3f2a)]" {
		t.Errorf("sensitive key prints as %s", got)
	}
}
