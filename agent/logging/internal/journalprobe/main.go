// Command journalprobe logs a few records through package logging, for
// the container test that reads them back with journalctl. It prints
// which handler it got: "journal" or "text".
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/tendhq/tend/agent/logging"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: journalprobe RUN-ID")
		os.Exit(2)
	}
	log := logging.New(logging.Options{Level: slog.LevelDebug})
	if _, ok := log.Handler().(*logging.Journal); ok {
		fmt.Println("journal")
	} else {
		fmt.Println("text")
	}
	run := log.With("run_id", os.Args[1], "node", "mx1")
	run.Info("resource changed", "commit", "0123abcd", "resource", "file.main_cf", "action", "update")
	run.WithGroup("source").Warn("applying the last known good", "why", "unreachable")
	run.Error("resource failed", slog.Group("resource", "address", "exec.broken"), "err", "command exited 3")
	run.Debug("multi\nline")
}
