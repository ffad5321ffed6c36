package mutants

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// token is a lexed token's byte span and type.
type token struct {
	start, end int
	typ        hclsyntax.TokenType
}

// tokens lexes a file as HCL (.hcl) or as a template (anything else).
func tokens(name string, b []byte) []token {
	lex := hclsyntax.LexTemplate
	if strings.HasSuffix(name, ".hcl") {
		lex = hclsyntax.LexConfig
	}
	toks, _ := lex(b, name, hcl.InitialPos)
	out := make([]token, 0, len(toks))
	for _, t := range toks {
		if t.Type != hclsyntax.TokenEOF && t.Range.End.Byte > t.Range.Start.Byte {
			out = append(out, token{t.Range.Start.Byte, t.Range.End.Byte, t.Type})
		}
	}
	return out
}

// lexed picks a file and lexes it; ok is false for a file without tokens.
func (m *Mutant) lexed(r *rand.Rand) (f string, b []byte, toks []token, ok bool) {
	f = m.file(r)
	if f == "" {
		return "", nil, nil, false
	}
	b = m.files[f]
	toks = tokens(f, b)
	return f, b, toks, len(toks) > 0
}

func deleteTokens(r *rand.Rand, m *Mutant) string {
	f, b, toks, ok := m.lexed(r)
	if !ok {
		return ""
	}
	i := r.IntN(len(toks))
	j := min(len(toks)-1, i+r.IntN(3))
	m.setFile(f, edit(b, toks[i].start, toks[j].end, nil))
	return fmt.Sprintf("%s: deleted %q", f, clip(b[toks[i].start:toks[j].end]))
}

func duplicateTokens(r *rand.Rand, m *Mutant) string {
	f, b, toks, ok := m.lexed(r)
	if !ok {
		return ""
	}
	i := r.IntN(len(toks))
	j := min(len(toks)-1, i+r.IntN(10))
	span := b[toks[i].start:toks[j].end]
	times := 1
	if r.IntN(4) == 0 {
		times = 2 + r.IntN(50)
	}
	insert := []byte(strings.Repeat(string(span), times))
	m.setFile(f, edit(b, toks[j].end, toks[j].end, insert))
	return fmt.Sprintf("%s: %q repeated %d more times", f, clip(span), times)
}

func swapTokens(r *rand.Rand, m *Mutant) string {
	f, b, toks, ok := m.lexed(r)
	if !ok || len(toks) < 2 {
		return ""
	}
	i, j := r.IntN(len(toks)), r.IntN(len(toks))
	if i > j {
		i, j = j, i
	}
	if i == j {
		return ""
	}
	ti, tj := toks[i], toks[j]
	out := edit(b, tj.start, tj.end, b[ti.start:ti.end])
	out = edit(out, ti.start, ti.end, b[tj.start:tj.end])
	m.setFile(f, out)
	return fmt.Sprintf("%s: swapped %q and %q", f, b[ti.start:ti.end], b[tj.start:tj.end])
}

// spliceFiles inserts a run of tokens of one file into another.
func spliceFiles(r *rand.Rand, m *Mutant) string {
	from, fb, ftoks, ok := m.lexed(r)
	if !ok {
		return ""
	}
	f, b, toks, ok := m.lexed(r)
	if !ok {
		return ""
	}
	i := r.IntN(len(ftoks))
	j := min(len(ftoks)-1, i+r.IntN(20))
	span := fb[ftoks[i].start:ftoks[j].end]
	at := toks[r.IntN(len(toks))].start
	m.setFile(f, edit(b, at, at, span))
	return fmt.Sprintf("%s: inserted %q from %s at %d", f, clip(span), from, at)
}

// expressions replace values: other types, out-of-range numbers,
// references to nothing, functions reading outside the repository.
var expressions = []string{"0", "-1", "4294967296", "18446744073709551616", "1e400", "-0.0",
	"0.5", "true", "null", "[]", "{}", `[1, "a", null]`, "{ a = 1, b = [] }", `"0644"`,
	`"${"`, `"%{ if true }"`, `sensitive("s3cret")`, "var.missing", "local.nope", "each.key",
	"self", "node", `file("/etc/passwd")`, `file("../../../../etc/passwd")`,
	`templatefile("nope.tpl", {})`, `"\u0000"`, `"a\nb"`, `"\u001b[2J"`, "1/0",
	`"🎉"`, `tostring(null)`, `length(null)`, `range(100000000)`, `"${var.x}"`,
	`[for x in [1,2] : x]`, `{for k, v in {} : k => v}`, "(", ")", "...", "=", "*"}

// literals replace the text inside quotes.
var literals = []string{"", "${", "%{", "$${", "%%{", `\u0000`, `\n`, `\x`, `\`, "../../etc/passwd",
	"/etc/shadow", "/", ".", "a\x00b", "\x1b[31m", "root", "nobody", "99999999999", "-1",
	"0777", "4755", "present", "absent", "🎉", "${file(\"/etc/passwd\")}", "%{ for x in [] }"}

func replaceValue(r *rand.Rand, m *Mutant) string {
	f, b, toks, ok := m.lexed(r)
	if !ok {
		return ""
	}
	var cand []int
	for i, t := range toks {
		switch t.typ {
		case hclsyntax.TokenQuotedLit, hclsyntax.TokenNumberLit, hclsyntax.TokenIdent, hclsyntax.TokenOQuote:
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		return ""
	}
	i := cand[r.IntN(len(cand))]
	t, j := toks[i], i
	var with string
	switch t.typ {
	case hclsyntax.TokenQuotedLit:
		with = literals[r.IntN(len(literals))]
	case hclsyntax.TokenOQuote: // the whole string, quotes included
		for j < len(toks)-1 && toks[j].typ != hclsyntax.TokenCQuote {
			j++
		}
		with = expressions[r.IntN(len(expressions))]
	default:
		with = expressions[r.IntN(len(expressions))]
	}
	m.setFile(f, edit(b, t.start, toks[j].end, []byte(with)))
	return fmt.Sprintf("%s: %q replaced by %q", f, clip(b[t.start:toks[j].end]), with)
}

// bombs open (and sometimes close) nested expressions.
var bombs = []struct{ open, close string }{
	{"[", "]"}, {`"${`, `}"`}, {"(", ")"}, {"{a=", "}"}, {"!", ""}, {"-", ""},
	{"[for x in ", "]"}, {"${", "}"}, {"%{ if true }", "%{ endif }"}, {"f(", ")"},
}

// depths are how deep bombs nest: tens of thousands overflowed the
// parser's stack once.
var depths = []int{64, 1000, 10000, 100000}

func nestingBomb(r *rand.Rand, m *Mutant) string {
	f, b, toks, ok := m.lexed(r)
	if !ok {
		return ""
	}
	bomb, depth := bombs[r.IntN(len(bombs))], depths[r.IntN(len(depths))]
	insert := strings.Repeat(bomb.open, depth)
	closed := r.IntN(2) == 0
	if closed {
		insert += "1" + strings.Repeat(bomb.close, depth)
	}
	at := toks[r.IntN(len(toks))].start
	m.setFile(f, edit(b, at, at, []byte(insert)))
	return fmt.Sprintf("%s: %d × %q at %d (closed: %v)", f, depth, bomb.open, at, closed)
}

// hugeSizes are the sizes of huge strings, up to 10 MiB.
var hugeSizes = []int{1 << 16, 1 << 20, 10 << 20}

func hugeString(r *rand.Rand, m *Mutant) string {
	f, b, toks, ok := m.lexed(r)
	if !ok {
		return ""
	}
	size := hugeSizes[r.IntN(len(hugeSizes))]
	huge := strings.Repeat("A", size)
	for _, k := range r.Perm(len(toks)) {
		if t := toks[k]; t.typ == hclsyntax.TokenQuotedLit || t.typ == hclsyntax.TokenStringLit {
			m.setFile(f, edit(b, t.start, t.end, []byte(huge)))
			return fmt.Sprintf("%s: %q replaced by %d bytes", f, clip(b[t.start:t.end]), size)
		}
	}
	m.setFile(f, append(append([]byte("# "), huge...), b...))
	return fmt.Sprintf("%s: comment of %d bytes prepended", f, size)
}

// clip shortens text for a description.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
