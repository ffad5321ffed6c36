package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"
	"github.com/tendhq/tend/providers"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// docWidth is the width tend doc wraps its text to.
const docWidth = 80

func newDocCmd(env *cmdEnv) *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "doc [flags] [KIND]",
		Short: "document the built-in resource kinds and their attributes",
		Long: "Without KIND, lists the built-in resource kinds. With KIND, describes the kind and each of its\n" +
			"attributes: its type, whether it is required, optional or computed, and its meaning.\n" +
			"--markdown prints the text docs/LANGUAGE.md holds.",
		Example: "  tend doc\n  tend doc file\n  tend doc dkim_key --markdown",
		Args:    cobra.MaximumNArgs(1),
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runDoc(env, markdown, args)
		}),
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print Markdown, as docs/LANGUAGE.md holds it")
	return cmd
}

// runDoc prints the kinds, or one kind's attributes.
func runDoc(env *cmdEnv, markdown bool, args []string) int {
	reg := providers.Builtin()
	if len(args) == 0 {
		writeKindList(env.stdout, reg, markdown)
		return 0
	}
	k, ok := reg.Kind(args[0])
	if !ok {
		fmt.Fprintf(env.stderr, "tend doc: no resource kind %q\n", args[0])
		if near := nearestKind(args[0], reg.Names()); near != "" {
			fmt.Fprintf(env.stderr, "Did you mean this?\n\t%s\n", near)
		}
		return exitUsage
	}
	if markdown {
		fmt.Fprint(env.stdout, kindMarkdown(k.Schema()))
	} else {
		writeKindText(env.stdout, k.Schema())
	}
	return 0
}

// nearestKind is the kind name nearest to a mistyped one, or "" when
// none is within a third of its length (at least 2 edits).
func nearestKind(typed string, names []string) string {
	best, bestDist := "", max(len(typed)/3, 2)+1
	for _, n := range names {
		if d := levenshtein.Distance(typed, n, nil); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// writeKindList lists the kinds with the first sentence of their Doc,
// wrapped under it on a terminal.
func writeKindList(w io.Writer, reg *resources.Registry, markdown bool) {
	names := reg.Names()
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	if markdown {
		fmt.Fprint(w, "| kind | description |\n| --- | --- |\n")
	}
	for _, n := range names {
		k, _ := reg.Kind(n)
		line := firstSentence(k.Schema().Doc)
		if markdown {
			fmt.Fprintf(w, "| `%s` | %s |\n", n, markdownCell(line))
			continue
		}
		hang := strings.Repeat(" ", width+2)
		fmt.Fprintf(w, "%-*s  %s\n", width, n, wrapText(line, hang, docWidth)[width+2:])
	}
}

// firstSentence is a Doc string up to its first full stop.
func firstSentence(doc string) string {
	if i := strings.Index(doc, ". "); i >= 0 {
		return doc[:i+1]
	}
	return doc
}

// attrUse says how an attribute is given: required, optional, or
// computed (never set, read from the host); sensitive is added.
func attrUse(a resources.AttrSchema) string {
	use := "optional"
	switch {
	case a.Computed:
		use = "computed"
	case a.Required:
		use = "required"
	}
	if a.Sensitive {
		use += ", sensitive"
	}
	return use
}

// defaultLiteral is an attribute's default as it would be written in a
// node file ("" when it has none).
func defaultLiteral(a resources.AttrSchema) string {
	if !a.HasDefault() {
		return ""
	}
	return string(hclwrite.TokensForValue(a.Default).Bytes())
}

// typeName spells an attribute's type as the node language does:
// string, number, bool, list(string), map(string), any.
func typeName(t cty.Type) string {
	switch {
	case t == cty.DynamicPseudoType:
		return "any"
	case t.IsPrimitiveType():
		return t.FriendlyName()
	case t.IsListType():
		return "list(" + typeName(t.ElementType()) + ")"
	case t.IsSetType():
		return "set(" + typeName(t.ElementType()) + ")"
	case t.IsMapType():
		return "map(" + typeName(t.ElementType()) + ")"
	case t.IsObjectType():
		return "object"
	case t.IsTupleType():
		return "tuple"
	}
	return t.FriendlyName()
}

// writeKindText describes a kind for a terminal: its Doc, then a row per
// attribute (name, type, use) with the attribute's Doc under it.
func writeKindText(w io.Writer, s resources.Schema) {
	fmt.Fprintf(w, "%s\n\n", wrapText(s.Kind+": "+s.Doc, "", docWidth))
	fmt.Fprintln(w, "Attributes:")
	nameW, typeW := 0, 0
	for _, a := range s.Attrs {
		nameW, typeW = max(nameW, len(a.Name)), max(typeW, len(typeName(a.Type)))
	}
	for _, a := range s.Attrs {
		use := attrUse(a)
		if d := defaultLiteral(a); d != "" {
			use += ", default " + d
		}
		fmt.Fprintf(w, "  %-*s  %-*s  %s\n", nameW, a.Name, typeW, typeName(a.Type), use)
		if a.Doc != "" {
			fmt.Fprintln(w, wrapText(a.Doc, "      ", docWidth))
		}
	}
}

// wrapText breaks text into lines of at most width columns (a longer
// word has a line of its own), each starting with indent.
func wrapText(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if line != indent && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line)
	return b.String()
}

// kindMarkdown is a kind's Doc and its attribute table in Markdown, as
// docs/LANGUAGE.md holds it between its tend doc markers.
func kindMarkdown(s resources.Schema) string {
	var b strings.Builder
	if s.Doc != "" {
		b.WriteString(s.Doc + "\n\n")
	}
	b.WriteString("| attribute | type | use | meaning |\n| --- | --- | --- | --- |\n")
	for _, a := range s.Attrs {
		use := attrUse(a)
		if d := defaultLiteral(a); d != "" {
			use += ", default `" + d + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", a.Name, typeName(a.Type), use, markdownCell(a.Doc))
	}
	return b.String()
}

// markdownCell escapes what would end a Markdown table cell.
func markdownCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
