package config

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// Widths and precisions up to maxFormatWidth format as before; a larger
// one, or one that overflows, is an argument error, not an allocation
// without bound or a panic.
func TestFormatWidthsAreBounded(t *testing.T) {
	format := stdFunctions["format"]
	ok := map[string]string{"%-8s|": "x       |", "%5.2f": " 1.00", "%%%s": "%x", "%[1]s": "x"}
	for f, want := range ok {
		arg := cty.StringVal("x")
		if strings.Contains(f, "f") {
			arg = cty.NumberIntVal(1)
		}
		got, err := format.Call([]cty.Value{cty.StringVal(f), arg})
		if err != nil || got.AsString() != want {
			t.Errorf("format(%q): %#v, %v; want %q", f, got, err, want)
		}
	}
	for _, f := range []string{"%65537s", "%.70000f", "%-4444444444444444444444s", "%[99999999]s"} {
		_, err := format.Call([]cty.Value{cty.StringVal(f), cty.StringVal("x")})
		if err == nil || !strings.Contains(err.Error(), "at most 65536") {
			t.Errorf("format(%q): %v; want the width refused", f, err)
		}
	}
	list := stdFunctions["formatlist"]
	if _, err := list.Call([]cty.Value{cty.StringVal("%99999999s"), cty.ListVal([]cty.Value{cty.StringVal("x")})}); err == nil {
		t.Error("formatlist accepted a width of 99999999")
	}
}
