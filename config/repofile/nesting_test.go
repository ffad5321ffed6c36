package repofile_test

import (
	"math/rand"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/tendhq/tend/config/repofile"
)

// deep builds the constructs that make hcl's parser recurse, n levels deep.
func deep(n int) map[string]string {
	r := strings.Repeat
	return map[string]string{
		"brackets":     "a = " + r("[", n) + r("]", n) + "\n",
		"parentheses":  "a = " + r("(", n) + "1" + r(")", n) + "\n",
		"objects":      "a = " + r("{b = ", n) + "1" + r("}", n) + "\n",
		"blocks":       r("a {\n", n) + r("}\n", n),
		"interpolated": "a = " + r(`"${`, n) + "1" + r(`}"`, n) + "\n",
		"heredocs":     "a = " + r("<<EOT\n${", n) + "1" + r("}\nEOT\n", n) + "\n",
		"plus":         "a = 1" + r("+1", n) + "\n",
		"plus-lines":   "a = (1" + r("+\n1", n) + ")\n",
		"not":          "a = " + r("!", n) + "true\n",
		"minus":        "a = " + r("-", n) + "1\n",
		"conditional":  "a = " + r("true ? 1 : ", n) + "1\n",
		"splat":        "a = b" + r("[*]", n) + "\n",
		"for":          "a = " + r("[for x in y: ", n) + "1" + r("]", n) + "\n",
		"calls":        "a = " + r("f(", n) + "1" + r(")", n) + "\n",
		"if":           "a = \"" + r("%{ if true }", n) + r("%{ endif }", n) + "\"\n",
		"for-template": "a = <<EOT\n" + r("%{ for x in y }", n) + r("%{ endfor }", n) + "\nEOT\n",
	}
}

func TestDeepNestingIsRefused(t *testing.T) {
	cases := deep(repofile.MaxNesting + 10)
	cases["brackets-100000"] = deep(100000)["brackets"]
	for name, src := range cases {
		diags := repofile.CheckHCL([]byte(src), "deep.hcl")
		if !diags.HasErrors() || diags[0].Summary != "Nesting too deep" || diags[0].Subject == nil {
			t.Errorf("%s: %v, want Nesting too deep at a place", name, diags)
			continue
		}
		// The place where the limit is crossed, not the end of the file.
		if s := diags[0].Subject; s.Start.Byte > 20*repofile.MaxNesting {
			t.Errorf("%s: reported at byte %d", name, s.Start.Byte)
		}
	}
	for name, src := range map[string]string{
		"interpolations": strings.Repeat("${", 1000) + "1" + strings.Repeat("}", 1000),
		"ifs":            strings.Repeat("%{ if true }", 300) + strings.Repeat("%{ endif }", 300),
		"fors":           strings.Repeat("%{~ for x in y ~}", 300) + strings.Repeat("%{~ endfor ~}", 300),
	} {
		if diags := repofile.CheckTemplate([]byte(src), "deep.tmpl"); !diags.HasErrors() {
			t.Errorf("template %s: accepted", name)
		}
	}
}

// Nesting under the limit is accepted, and hcl parses and evaluates it.
func TestNestingUnderTheLimit(t *testing.T) {
	n := repofile.MaxNesting/2 - 2 // "if" and "for" count twice per level
	for name, src := range deep(n) {
		if diags := repofile.CheckHCL([]byte(src), "ok.hcl"); diags.HasErrors() {
			t.Errorf("%s at %d: %v", name, n, diags)
		}
		if _, diags := hclsyntax.ParseConfig([]byte(src), "ok.hcl", hcl.InitialPos); diags.HasErrors() && name != "plus-lines" {
			t.Logf("%s: %v", name, diags) // only that the parser survives matters
		}
	}
}

// Brackets in strings, comments and heredoc text are text: a valid file
// holding thousands of them is accepted.
func TestTextIsNotNesting(t *testing.T) {
	many := strings.Repeat("[{(", 2000)
	src := "a = \"" + many + "\"\n" +
		"# " + many + "\n" +
		"// " + many + "\n" +
		"/* " + many + "\n" + many + " */\n" +
		"b = <<EOT\n" + many + "\n  $${" + many + "\nEOT\n" +
		"c = [" + strings.Repeat("1,\n", 1000) + "]\n" +
		"d = {\n" + strings.Repeat("  k = 1 + 2 * 3\n", 1000) + "}\n" +
		strings.Repeat("e {\n  f = 1 + 2 + 3 + 4\n}\n", 1000) +
		"f = \"" + strings.Repeat("${x} %{ if y }z%{ endif } ", 1000) + "\"\n"
	if diags := repofile.CheckHCL([]byte(src), "text.hcl"); diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, diags := hclsyntax.ParseConfig([]byte(src), "text.hcl", hcl.InitialPos); diags.HasErrors() {
		t.Fatalf("the text is not valid HCL: %v", diags)
	}
	tmpl := many + "\n" + strings.Repeat("${x} %{ for a in b }${a}%{ endfor }\n", 1000)
	if diags := repofile.CheckTemplate([]byte(tmpl), "text.tmpl"); diags.HasErrors() {
		t.Fatal(diags)
	}
}

func TestJSONNesting(t *testing.T) {
	if err := repofile.CheckJSON(strings.Repeat("[", 100000)); err == nil {
		t.Error("deep JSON accepted")
	}
	ok := `{"a": "` + strings.Repeat("[{", 1000) + `\"", "b": [[[1]]]}`
	if err := repofile.CheckJSON(ok); err != nil {
		t.Error(err)
	}
}

// Whatever the check lets through, the parser and evaluator survive with
// a stack far smaller than Go's default (8 MiB, where any of these
// constructs unchecked overflows at 20000 levels): each construct, and
// random mixes of them, with a fixed seed. A miss is a fatal stack
// overflow of this test.
func TestCheckedTextParsesWithASmallStack(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	old := debug.SetMaxStack(8 << 20)
	defer debug.SetMaxStack(old)
	levels := []struct{ open, close string }{
		{"[", "]"}, {"(", ")"}, {"{b = ", "}"}, {`"${`, `}"`}, {"<<EOT\n${", "}\nEOT\n"},
		{"1 + ", ""}, {"!", ""}, {"-", ""}, {"true ? 1 : ", ""}, {"[for x in y: ", "]"}, {"f(", ")"},
		{`"%{ if true }`, `%{ endif }"`}, {"<<EOT\n%{ for x in y }", "%{ endfor }\nEOT\n"},
		{"(1 +\n", ")"}, {"[\n", ",\n]"}, {"{\nb = ", "\n}"}, {"x[*]", ""},
	}
	rng := rand.New(rand.NewSource(9))
	checked, refused := 0, 0
	for i := 0; i < 100; i++ {
		mix := levels[rng.Intn(len(levels)):]
		mix = mix[:1+rng.Intn(min(3, len(mix)))]
		var open, close []string
		for j := 0; j < 20000; j++ {
			l := mix[rng.Intn(len(mix))]
			open = append(open, l.open)
			close = append(close, l.close)
		}
		slices.Reverse(close)
		src := []byte("a = " + strings.Join(open, "") + "1" + strings.Join(close, "") + "\n")
		if repofile.CheckHCL(src, "mix.hcl").HasErrors() {
			refused++
			continue
		}
		checked++
		if f, diags := hclsyntax.ParseConfig(src, "mix.hcl", hcl.InitialPos); !diags.HasErrors() {
			attrs, _ := f.Body.JustAttributes()
			for _, a := range attrs {
				a.Expr.Value(nil)
			}
		}
	}
	t.Logf("100 mixes of 20000 levels (seed 9): %d refused, %d let through", refused, checked)
	if checked > 0 {
		t.Errorf("%d deep mixes were let through", checked)
	}
}
