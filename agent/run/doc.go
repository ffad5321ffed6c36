// Package run is one run of tend over a node's catalog, as tend plan,
// tend apply and the agent make it: Load evaluates the node and reads
// from the host the computed values its configuration waits for, Plan
// reads and plans every resource, Apply converges the host and records
// the report. Every call it makes into a kind outside the engine is
// guarded as the engine guards its own: a kind that panics fails its
// resource, never the run.
//
// What to load and where the run works come from the caller; what to
// print is the caller's too: the package writes only the state files a
// run owns (pending refresh events, blocks, reports).
package run
