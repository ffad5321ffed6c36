// Package disable keeps the agent's administrative off switch: a small
// JSON file in the state directory saying who disabled the agent, why,
// since when and, optionally, until when. A scheduled run that finds it
// does nothing and exits with ExitDisabled; a disable whose time is up is
// removed by the next look at it, which reports that it lifted.
//
// It reads and writes that one file; it does not decide what a run does
// (the agent command does) and knows nothing of monitoring (tend check
// and the metrics read State).
package disable
