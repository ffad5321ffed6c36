// Package check judges the agent's health for Nagios and Icinga: from the
// last run summary, the disable in force and thresholds, it picks OK,
// WARNING, CRITICAL or UNKNOWN and writes the one line a monitoring plugin
// prints ("TEND OK - message | perfdata"), perfdata in the plugin
// guidelines' 'label'=value[UOM];warn;crit;min;max form.
//
// The rules, worst wins: no readable summary is UNKNOWN; failed or
// skipped resources are CRITICAL (WARNING with FailuresWarn); a last run
// older than CritAge is CRITICAL and older than WarnAge WARNING; applying
// the last known good instead of the source's tip is WARNING; a disabled
// agent is WARNING, and while disabled an old last run is not escalated
// past WARNING, since the disable explains it, even when runs by hand
// succeed meanwhile. A run that marked itself started (runlock) and
// neither finished nor is still running — killed, or unable to write its
// report — is CRITICAL whatever the older summary says; so is a state
// directory runs cannot write; a run lock file that cannot be read is
// UNKNOWN.
//
// It reads nothing itself; tend check gathers the inputs.
package check
