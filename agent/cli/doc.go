// Package cli implements tend's subcommands. Each command parses its
// flags, has agent/run load, plan or apply the node (or the config
// package evaluate it) and prints the result; exit codes follow Puppet's
// --detailed-exitcodes for plan and apply (0 nothing to do, 2 changes, 4
// failures, 6 both) and 1 for invalid configuration or usage; `tend
// agent` adds 8 when it applied its last known good commit instead of the
// source's tip, and exits 5 when another run holds the lock.
package cli
