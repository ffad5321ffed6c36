// Package cli implements tend's subcommands. Each command parses its
// flags, asks the config package for a catalog, hands it to the engine and
// prints the result; exit codes follow Puppet's --detailed-exitcodes for
// plan and apply (0 nothing to do, 2 changes, 4 failures, 6 both) and 1
// for invalid configuration or usage.
package cli
