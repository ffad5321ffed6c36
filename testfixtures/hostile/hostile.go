// Package hostile holds the inputs tend's fuzz targets start from besides
// real files: what crashes or exhausts parsers and decoders — nesting tens
// of thousands deep (which once overflowed the HCL parser's stack), a
// 10 MiB value, invalid UTF-8, NULs, terminal escape sequences, numbers
// out of range and values of the wrong type. It is for tests only.
package hostile

import (
	"flag"
	"strings"
	"testing"
)

// Depth is how deep the nesting inputs nest; ShortDepth in -short runs
// (make unit, under the race detector, where refusing 200 files 100,000
// deep took longer than the test timeout), still far past tend's limit.
const (
	Depth      = 100000
	ShortDepth = 1000
)

func depth() int {
	if testing.Short() {
		return ShortDepth
	}
	return Depth
}

// HugeSize is the size of the huge values.
const HugeSize = 10 << 20

// fuzzing says whether the test binary runs a fuzzing engine (-test.fuzz)
// rather than only the seed corpus. The engine, which copies every input
// it mutates, drops to a few executions a second with a 10 MiB one in
// its corpus.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// huge is a value of HugeSize bytes; of 1 KiB while fuzzing and in
// -short runs (make unit runs them under the race detector, where the
// loader takes minutes over 10 MiB files; the runs without -short, as in
// make e2e, have the full size).
func huge() string {
	if fuzzing() || testing.Short() {
		return strings.Repeat("A", 1<<10)
	}
	return strings.Repeat("A", HugeSize)
}

// nesting returns the deeply nested expressions: unclosed first, then
// closed, for HCL and for JSON.
func nesting(open, close, inner string) []string {
	d := depth()
	return []string{strings.Repeat(open, d), strings.Repeat(open, d) + inner + strings.Repeat(close, d)}
}

// HCLExprs are hostile HCL expressions; the first fourteen nest Depth
// deep.
func HCLExprs() []string {
	var out []string
	out = append(out, nesting("[", "]", "1")...)
	out = append(out, nesting(`"${`, `}"`, "1")...)
	out = append(out, nesting("(", ")", "1")...)
	out = append(out, nesting("{a=", "}", "1")...)
	out = append(out, nesting("[for x in ", "]", "[1]")...)
	out = append(out, strings.Repeat("-", depth())+"1", strings.Repeat("!", depth())+"true")
	out = append(out, nesting("f(", ")", "1")...)
	return append(out,
		strings.Repeat("[", 64)+`"a"`+strings.Repeat("]", 64),
		"\"\xff\xfe\xc3\x80\"", "\"a\x00b\"\x00", `"\u001b]0;title\u0007\u001b[2J"`,
		"4294967296", "18446744073709551616", "1e400", "-0", `"\u0000"`, "null", "{}", "[]")
}

// HCL returns hostile HCL files: each of HCLExprs in the position of the
// %s of form, then as a top-level attribute; then a 10 MiB string, an
// empty file and invalid bytes. The first 28 nest Depth deep.
func HCL(form string) [][]byte {
	var out [][]byte
	exprs := HCLExprs()
	for i := 0; i < len(exprs); i++ {
		out = append(out, []byte(strings.Replace(form, "%s", exprs[i], 1)), []byte("x = "+exprs[i]+"\n"))
	}
	return append(out, []byte("x = \""+huge()+"\"\n"), []byte{},
		[]byte("\x00\x00\x00"), []byte("\xef\xbb\xbfx = 1\r\n"), []byte("x = <<EOT\n"+strings.Repeat("${", 1000)))
}

// Template returns hostile templates; the first seven nest Depth deep.
func Template() [][]byte {
	var out [][]byte
	for _, s := range []string{"${", "%{ if true }", "${[", "${(", `${"${`, "%{ for x in [1] }"} {
		out = append(out, []byte(strings.Repeat(s, depth())))
	}
	out = append(out, []byte("${"+strings.Repeat("[", depth())+"1"+strings.Repeat("]", depth())+"}"))
	return append(out,
		[]byte(strings.Repeat("%{ for x in [1] }", 1000)+strings.Repeat("%{ endfor }", 1000)),
		[]byte("${\""+huge()+"\"}"),
		[]byte("\xff\xfe\xc3 ${name} \x00 %{ if \x00 }\x1b[2J"), []byte{})
}

// JSON returns hostile JSON documents for a decoder of an object with
// the named fields (a 10 MiB value in the first, see fuzzing); the first six nest
// Depth deep.
func JSON(fields ...string) [][]byte {
	var out [][]byte
	for _, n := range [][]string{nesting("[", "]", "1"), nesting(`{"a":`, "}", "1"), nesting(`{"a":[`, "]}", "1")} {
		out = append(out, []byte(n[0]), []byte(n[1]))
	}
	out = append(out, []byte{}, []byte("null"), []byte("[]"), []byte(`""`), []byte("{}"), []byte("\x00"),
		[]byte("\xff\xfe{}"), []byte(`{"a":1}{"b":2}`), []byte(`{"a":`))
	if len(fields) > 0 {
		out = append(out, []byte(`{"`+fields[0]+`":"`+huge()+`"}`))
	}
	for _, f := range fields {
		for _, v := range []string{"\"\xff\xc3\"", `"a\u0000b"`, `"\u001b[2J"`, "1e400", "-1",
			"18446744073709551616", "null", "true", "[]", "{}", `"not a time"`, `"bogus"`, `["a",1,null]`} {
			out = append(out, []byte(`{"`+f+`":`+v+`}`))
		}
	}
	return out
}
