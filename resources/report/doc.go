// Package report records what an apply did: a JSON report per run in the
// state directory (every resource's action, result, duration, events and
// errors, plus the configuration's source id), a short last_run_summary
// for monitoring, bounded retention of old reports, and the run's exit
// code in Puppet's --detailed-exitcodes convention.
//
// It reads engine outcomes and writes files; it decides nothing about what
// runs.
package report
