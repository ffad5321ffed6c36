package confdiff_test

import (
	"strings"
	"testing"

	"github.com/tendhq/tend/resources/confdiff"
)

// allFormats are the formats FuzzCompare reads every input as.
var allFormats = []confdiff.Format{confdiff.PostfixMain, confdiff.PostfixMaster, confdiff.KeyValue, confdiff.Dovecot, confdiff.SourcesList}

// FuzzCompare reads fuzzed old and new content as every format: no
// parser panics, content compared with itself has no changes, and every
// change names a setting and renders on one line.
func FuzzCompare(f *testing.F) {
	for _, c := range goldenCases {
		old, new := readCase(f, c.name)
		f.Add(old, new)
	}
	for _, s := range []string{"", "\n", " x = 1\n", "a=\n\tb", "}}}{{{", "x {\n y = %{a}\n}", "s t u v w x y -o", "s t u v w x y z -o {",
		"s t u v w x y z -o { a = b", "!include", "\r\n#\r\n", "a = \"#\" # c", "a = 1 }", "deb # x"} {
		f.Add([]byte(s), []byte(s+"\n"+s))
	}
	f.Fuzz(func(t *testing.T, old, new []byte) {
		for _, format := range allFormats {
			if cs := confdiff.Compare(format, old, old); len(cs) != 0 {
				t.Fatalf("%s: content compared with itself changes %v", format, cs)
			}
			for _, c := range confdiff.Compare(format, old, new) {
				if c.Name == "" && !c.Entry {
					t.Fatalf("%s: a change without a name: %+v", format, c)
				}
				if s := c.String(); strings.Count(s, "\n") != strings.Count(c.Name+c.Old+c.New, "\n") {
					t.Fatalf("%s: %+v renders as %q", format, c, s)
				}
			}
		}
	})
}
