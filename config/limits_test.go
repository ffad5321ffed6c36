package config_test

import (
	"fmt"
	"strings"
	"testing"
)

// nestedLocals declares local.l0, a value nested depth lists deep,
// through a chain of locals each adding at most 200 levels (one
// expression may nest no deeper than repofile.MaxNesting).
func nestedLocals(depth int) string {
	var b strings.Builder
	b.WriteString("  locals {\n")
	for i := 0; depth > 0; i++ {
		n := min(depth, 200)
		depth -= n
		inner := `"x"`
		if depth > 0 {
			inner = fmt.Sprintf("local.l%d", i+1)
		}
		fmt.Fprintf(&b, "    l%d = %s%s%s\n", i, strings.Repeat("[", n), inner, strings.Repeat("]", n))
	}
	b.WriteString("  }\n")
	return b.String()
}

// A resource's value, as references see it, is held to the same depth
// limit as any other, whether or not anything refers to it: the limit
// counts the instance object and, with for_each, the object of instances.
func TestResourceValueDepthLimit(t *testing.T) {
	for _, c := range []struct {
		depth   int
		forEach bool
		refused bool
	}{
		{1022, false, false}, {1023, false, true},
		{1021, true, false}, {1022, true, true},
	} {
		forEach, path := "", `"/etc/f"`
		if c.forEach {
			forEach, path = `for_each = toset(["a", "b"])`, `"/etc/${each.key}"`
		}
		dir := writeRepo(t, map[string]string{
			"nodes/web.hcl": "node \"web\" {\n" + nestedLocals(c.depth) + `
  resource "file" "f" {
    ` + forEach + `
    path     = ` + path + `
    template = "t.tmpl"
    vars     = { v = local.l0 }
  }
}`,
			"t.tmpl": "x\n",
		})
		_, diags := openRepo(t, dir).Catalog("web")
		refused := false
		for _, d := range diags {
			if d.Summary == "Value nested too deep" && strings.Contains(d.Detail, "file.f") {
				refused = true
			}
		}
		if refused != c.refused {
			t.Errorf("depth %d, for_each %v: refused %v, want %v; %v", c.depth, c.forEach, refused, c.refused, diags)
		}
	}
}
