// Command scratchroot prepares a directory as a host on which a node's
// packages are installed, for `tend plan --root DIR` (see package
// scratchroot). Usage: scratchroot -repo REPO -node NODE DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tendhq/tend/testfixtures/scratchroot"
)

func main() {
	repo := flag.String("repo", ".", "the node repository")
	node := flag.String("node", "", "the node whose packages are recorded as installed")
	flag.Parse()
	if flag.NArg() != 1 || *node == "" {
		fmt.Fprintln(os.Stderr, "usage: scratchroot -repo REPO -node NODE DIR")
		os.Exit(1)
	}
	if err := scratchroot.PrepareFor(flag.Arg(0), *repo, *node); err != nil {
		fmt.Fprintln(os.Stderr, "scratchroot:", err)
		os.Exit(1)
	}
}
