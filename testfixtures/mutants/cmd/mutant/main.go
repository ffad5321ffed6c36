// Command mutant writes one mutant of a repository (see package mutants),
// to reproduce a failure TestMutants reported.
// Usage: mutant [-base DIR] [-seed S] -n N DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tendhq/tend/testfixtures/mutants"
)

func main() {
	base := flag.String("base", "testfixtures/example", "the repository mutated")
	seed := flag.Uint64("seed", 1, "the mutants' seed")
	n := flag.Int("n", -1, "the mutant's number")
	flag.Parse()
	if flag.NArg() != 1 || *n < 0 {
		fmt.Fprintln(os.Stderr, "usage: mutant [-base DIR] [-seed S] -n N DIR")
		os.Exit(1)
	}
	cfg := mutants.Config{Seed: *seed, Base: *base, Library: true}
	g, err := cfg.Generator()
	if err == nil {
		m := g.Mutant(*n)
		fmt.Println(m)
		err = m.Write(flag.Arg(0))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutant:", err)
		os.Exit(1)
	}
}
