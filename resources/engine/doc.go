// Package engine walks a node's resource graph and drives every instance
// through the resource contract: Read and Plan for `tend plan`; Read,
// Plan, Apply, Verify and Refresh for `tend apply`.
//
// It owns ordering (a bounded, parallel walk of the graph), failure
// isolation (dependents of a failed resource are skipped, independent ones
// still converge) and refresh events: notify events are persisted in the
// state directory before the notifying change is made and removed only
// once delivered, so a failed or killed run delivers them next time.
//
// It does not know what the resources are, how the graph was built, or how
// results are printed: the config package supplies the graph, the plan and
// report packages record the outcome.
package engine
