// Package metrics writes the agent's state for Prometheus, in the text
// format node_exporter's textfile collector reads: the last run's time,
// duration, resource counts and exit code, whether it applied the last
// known good instead of the source's tip, whether the agent is disabled
// (who disabled it, why, since and until when), the schedule's interval
// when the agent knows it, whether the last run started and never recorded its result, whether
// runs can write the state directory, and the applied commit as a label
// of an info metric.
//
// The file is replaced atomically (a temporary file in the same directory,
// then a rename), so the collector never reads half of it. It formats
// what it is given; the agent command decides when to write.
package metrics
