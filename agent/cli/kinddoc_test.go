package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/providers"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated kind tables of docs/LANGUAGE.md (make docs)")

const (
	languageDoc = "../../docs/LANGUAGE.md"
	docStart    = "<!-- tend doc"
	docEnd      = "<!-- end tend doc -->"
)

// docRegion is one generated part of LANGUAGE.md: what `tend doc KIND
// --markdown` prints (KIND "" for the list of kinds).
type docRegion struct {
	kind     string
	start    int // offset of the text after the start marker's line
	end      int // offset of the end marker
	expected string
}

// docRegions finds LANGUAGE.md's generated parts and what each must be.
func docRegions(text string) ([]docRegion, error) {
	var out []docRegion
	for off := 0; ; {
		i := strings.Index(text[off:], docStart)
		if i < 0 {
			return out, nil
		}
		i += off
		line, _, ok := strings.Cut(text[i:], "\n")
		if !ok || !strings.HasSuffix(line, "-->") {
			return nil, fmt.Errorf("marker at offset %d: want %s [KIND] --> on a line of its own", i, docStart)
		}
		kind := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, docStart), "-->"))
		start := i + len(line) + 1
		end := strings.Index(text[start:], docEnd)
		if end < 0 {
			return nil, fmt.Errorf("%s %s --> has no %s", docStart, kind, docEnd)
		}
		var b bytes.Buffer
		env := &cmdEnv{stdout: &b, stderr: &b}
		args := []string{kind}
		if kind == "" {
			args = nil
		}
		if code := runDoc(env, true, args); code != 0 {
			return nil, fmt.Errorf("tend doc %s --markdown: %s", kind, b.String())
		}
		out = append(out, docRegion{kind: kind, start: start, end: start + end, expected: b.String()})
		off = start + end + len(docEnd)
	}
}

// TestLanguageDocKinds checks that docs/LANGUAGE.md documents every
// built-in kind with exactly what `tend doc KIND --markdown` prints;
// with -update (make docs) it rewrites them.
func TestLanguageDocKinds(t *testing.T) {
	b, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	regions, err := docRegions(text)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var updated strings.Builder
	last := 0
	for _, r := range regions {
		kinds = append(kinds, r.kind)
		updated.WriteString(text[last:r.start] + r.expected)
		last = r.end
		if got := text[r.start:r.end]; got != r.expected && !*updateDocs {
			t.Errorf("docs/LANGUAGE.md, %s %s -->: not what tend doc %s --markdown prints (make docs rewrites it); want:\n%s",
				docStart, r.kind, r.kind, r.expected)
		}
	}
	updated.WriteString(text[last:])
	want := append([]string{""}, providers.Builtin().Names()...)
	slices.Sort(kinds)
	if !slices.Equal(kinds, want) {
		t.Errorf("docs/LANGUAGE.md has generated parts for %q, want one for each of %q", kinds, want)
	}
	if *updateDocs && updated.String() != text {
		if err := os.WriteFile(languageDoc, []byte(updated.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
