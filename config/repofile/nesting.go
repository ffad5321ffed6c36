package repofile

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxNesting is how deeply HCL, template and JSON text may nest.
//
// hcl's parser and evaluator recurse once or more per level of nesting;
// tens of thousands of levels exhaust the stack, which is a fatal error,
// not a panic. CheckHCL and CheckTemplate count, over the tokens of the
// text (the very lexer the parser uses, so strings, comments and heredocs
// are told apart exactly as it does):
//
//   - every open bracket, brace, parenthesis, quoted string, heredoc,
//     template interpolation or directive sequence ("${", "%{"), until it
//     is closed;
//   - every "%{ if }" and "%{ for }" until its end;
//   - every operator (+ - * / % == != < > <= >= && || ! ?), and every
//     closed bracket, brace, string or parenthesis, in the expression that
//     holds it, until a comma, or a newline where a newline ends an
//     expression (in a body or an object).
//
// The count is deliberately an over-estimate: a chain of 256 operators
// in one expression is refused although the parser would take it.
const MaxNesting = 256

// CheckHCL refuses HCL text that nests deeper than MaxNesting, with an
// error at the token where the limit is crossed.
func CheckHCL(src []byte, filename string) hcl.Diagnostics {
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	return checkTokens(toks, frame{code: true, newlineEnds: true})
}

// CheckTemplate is CheckHCL for a template file.
func CheckTemplate(src []byte, filename string) hcl.Diagnostics {
	toks, _ := hclsyntax.LexTemplate(src, filename, hcl.InitialPos)
	return checkTokens(toks, frame{})
}

// frame is one open construct.
type frame struct {
	// code: expressions inside (brackets, interpolations); otherwise text
	// (strings, heredocs, templates, directive bodies).
	code bool
	// newlineEnds: a newline ends an expression here (a body, an object).
	newlineEnds bool
	// chain counts operators and closed constructs since the last comma or
	// newline that ends an expression.
	chain int
	// directive is +1 for a "%{ if" or "%{ for" sequence, -1 for an
	// "%{ endif" or "%{ endfor".
	directive int
	// body marks the frame of an if or for directive's body.
	body bool
}

type nestingScan struct {
	frames []frame
	depth  int
}

func (s *nestingScan) push(f frame) {
	s.frames = append(s.frames, f)
	s.depth++
}

func (s *nestingScan) pop() {
	if len(s.frames) == 1 {
		return // an unbalanced closer: the parser reports it
	}
	f := s.frames[len(s.frames)-1]
	s.frames = s.frames[:len(s.frames)-1]
	s.depth -= 1 + f.chain
	switch {
	case f.directive > 0:
		s.push(frame{body: true})
	case f.directive < 0 && s.top().body:
		s.pop()
	}
	s.operator()
}

func (s *nestingScan) top() *frame { return &s.frames[len(s.frames)-1] }

// operator counts one link of a chain in the innermost expression.
func (s *nestingScan) operator() {
	if t := s.top(); t.code {
		t.chain++
		s.depth++
	}
}

func (s *nestingScan) endExpression() {
	t := s.top()
	s.depth -= t.chain
	t.chain = 0
}

func checkTokens(toks hclsyntax.Tokens, top frame) hcl.Diagnostics {
	s := nestingScan{frames: []frame{top}}
	for i, tok := range toks {
		switch tok.Type {
		case hclsyntax.TokenOBrace:
			s.push(frame{code: true, newlineEnds: true})
		case hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenTemplateInterp:
			s.push(frame{code: true})
		case hclsyntax.TokenTemplateControl:
			s.push(frame{code: true, directive: directiveOf(toks, i+1)})
		case hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			s.push(frame{})
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			s.pop()
		case hclsyntax.TokenComma:
			s.endExpression()
		case hclsyntax.TokenNewline:
			if s.top().newlineEnds {
				s.endExpression()
			}
		case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash,
			hclsyntax.TokenPercent, hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual,
			hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan,
			hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr,
			hclsyntax.TokenBang, hclsyntax.TokenQuestion:
			s.operator()
		}
		if s.depth > MaxNesting {
			return hcl.Diagnostics{tooDeep(tok.Range)}
		}
	}
	return nil
}

// directiveOf tells what the template directive starting at toks[i] does
// to the nesting of directives.
func directiveOf(toks hclsyntax.Tokens, i int) int {
	if i >= len(toks) || toks[i].Type != hclsyntax.TokenIdent {
		return 0
	}
	switch string(toks[i].Bytes) {
	case "if", "for":
		return 1
	case "endif", "endfor":
		return -1
	}
	return 0
}

func tooDeep(r hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Nesting too deep",
		Detail: fmt.Sprintf("Brackets, strings, templates, directives and operators nest more than %d deep here; "+
			"tend refuses such text before parsing it.", MaxNesting),
		Subject: r.Ptr(),
	}
}

// CheckJSON refuses JSON text whose arrays and objects nest deeper than
// MaxNesting, before a decoder that recurses per level reads it.
func CheckJSON(src string) error {
	depth, inString := 0, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			if depth++; depth > MaxNesting {
				return fmt.Errorf("JSON nested more than %d deep (at byte %d)", MaxNesting, i)
			}
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		}
	}
	return nil
}
