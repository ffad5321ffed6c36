package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tendhq/tend/testfixtures/container"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

func main() {
	release := flag.String("release", "", `the Debian release: "bullseye" (the default) or "bookworm"`)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sets := flag.Args()
	if len(sets) == 0 {
		sets = []string{""} // the root file system alone
	}
	for _, set := range sets {
		start := time.Now()
		packages, err := expand(strings.Fields(set))
		if err == nil {
			err = container.PrepareOptions(ctx, os.Stderr, container.Options{Release: *release, Packages: packages})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "warmcache:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "warmcache: ready: %q, %d packages (%s)\n", set, len(packages), time.Since(start).Round(time.Millisecond))
	}
}

// expand replaces each "@REPO:NODE" word by the packages that node of
// that node repository installs, as the tests compute them.
func expand(words []string) ([]string, error) {
	var out []string
	for _, w := range words {
		spec, isNode := strings.CutPrefix(w, "@")
		if !isNode {
			out = append(out, w)
			continue
		}
		repo, node, ok := strings.Cut(spec, ":")
		if !ok {
			return nil, fmt.Errorf("%q: want @REPO:NODE", w)
		}
		root, err := os.MkdirTemp("", "warmcache-root")
		if err != nil {
			return nil, err
		}
		cat, err := scratchroot.Load(repo, node, root, nil)
		os.RemoveAll(root)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", w, err)
		}
		out = append(out, scratchroot.Packages(cat)...)
	}
	return out, nil
}
