// Command tend converges a host to the configuration its node repository
// describes. See `tend help`.
package main

import (
	"os"
	"runtime/debug"
	"slices"

	"github.com/tendhq/tend/agent/cli"
)

// gcPercent trades some memory for fewer collections: a run is short and
// allocates in bursts while it loads the configuration. Measured on a
// no-op apply of 1000 files: about 12 ms faster for 2 MiB more peak RSS
// (docs/BENCHMARKS.md). GOGC, when set, wins.
const gcPercent = 200

// memoryLimit is a soft limit on the runtime's memory for the commands
// that converge one node (limitedCommands). With gcPercent the heap may
// grow to three times what a run holds live: a no-op apply of 10000
// files held about 45 MiB and peaked at 140 MiB of RSS. Near the limit
// the collector runs more often instead, for more CPU time (a quarter
// more at 10000 files); runs that stay below it, such as one of 1000
// files (about 35 MiB), are not affected. A run that holds more than the
// limit live grows beyond it, the runtime giving collection at most half
// the CPU time; that is why `tend validate`, which evaluates a whole
// fleet (3000 nodes held well over 80 MiB and took 75 % more CPU time
// under the limit), has none. GOMEMLIMIT, when set, wins.
const memoryLimit = 80 << 20

// limitedCommands are the commands memoryLimit applies to. Flags may
// come before the command (`tend -v apply`), so any argument naming one
// counts: at worst a flag's value spelled like a command gets the limit.
var limitedCommands = map[string]bool{"apply": true, "plan": true, "agent": true}

func limited(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return limitedCommands[a] })
}

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && limited(os.Args[1:]) {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(cli.Run(os.Args[0], os.Args[1:]))
}
