// Package agent is the tend command: agent/cli holds the subcommands
// (validate, plan, apply, fmt, graph, explain), agent/run the run they
// and the agent share (load with the computed values read from the host,
// plan, apply, report) and agent/cmd/tend the binary's main. The agent
// only wires things together: the config package builds a catalog, the
// engine walks it, the plan and report packages render and record the
// outcome.
package agent
