package mutants

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Figures summarize a run of mutants.
type Figures struct {
	Mutants int
	Took    time.Duration
	// Failures are the outcomes with a problem.
	Failures []Outcome
	// Validate and Plan count the exit codes; a validate of -1 is a
	// crash or a kill, in validate or in plan.
	Validate, Plan map[int]int
	// Ops counts how often each mutation was applied.
	Ops     map[string]int
	Slowest Outcome
}

// Summarize computes the figures of outcomes that took took.
func Summarize(outs []Outcome, took time.Duration) Figures {
	f := Figures{Mutants: len(outs), Took: took, Validate: map[int]int{}, Plan: map[int]int{}, Ops: map[string]int{}}
	for _, o := range outs {
		f.Validate[o.Validate]++
		if o.Plan != -1 {
			f.Plan[o.Plan]++
		}
		for _, op := range strings.Split(o.Op, "+") {
			f.Ops[op]++
		}
		if o.Problem != "" {
			f.Failures = append(f.Failures, o)
		}
		if o.Seconds > f.Slowest.Seconds {
			f.Slowest = o
		}
	}
	return f
}

// Write prints the figures.
func (f Figures) Write(w io.Writer, what string) {
	secs := f.Took.Seconds()
	fmt.Fprintf(w, "%s: %d mutants in %.1f s (%.1f mutants/s), %d failures\n",
		what, f.Mutants, secs, float64(f.Mutants)/max(secs, 1e-9), len(f.Failures))
	fmt.Fprintf(w, "  validate exit codes: %s\n", histogram(f.Validate))
	fmt.Fprintf(w, "  plan exit codes:     %s\n", histogram(f.Plan))
	fmt.Fprintf(w, "  mutations:           %s\n", counts(f.Ops))
	fmt.Fprintf(w, "  slowest:             mutant %d (%s) %.2f s\n", f.Slowest.N, f.Slowest.Op, f.Slowest.Seconds)
}

func histogram(h map[int]int) string {
	codes := make([]int, 0, len(h))
	for c := range h {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", h[c], c))
	}
	return strings.Join(parts, " ")
}

func counts(h map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(h) {
		parts = append(parts, fmt.Sprintf("%s %d", k, h[k]))
	}
	return strings.Join(parts, ", ")
}
