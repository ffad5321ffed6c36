// Package agent is the tend command: agent/cli holds the subcommands
// (validate, plan, apply, fmt, graph, explain) and agent/cmd/tend the
// binary's main. The agent only wires things together: the config package
// builds a catalog, the engine walks it, the plan and report packages
// render and record the outcome.
package agent
