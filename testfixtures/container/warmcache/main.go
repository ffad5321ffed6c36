package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tendhq/tend/testfixtures/container"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sets := os.Args[1:]
	if len(sets) == 0 {
		sets = []string{""} // the root file system alone
	}
	for _, set := range sets {
		start := time.Now()
		if err := container.Prepare(ctx, os.Stderr, strings.Fields(set)); err != nil {
			fmt.Fprintln(os.Stderr, "warmcache:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "warmcache: ready: %q (%s)\n", set, time.Since(start).Round(time.Millisecond))
	}
}
