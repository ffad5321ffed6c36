// Package health runs the checks a refreshable resource declares with the
// `health` argument: a command, a TCP connect, a UNIX socket connect,
// optionally with a banner the server must greet with. The engine runs
// them after a refresh; a check that keeps failing for its whole retry
// window makes the engine roll the run's changes back (see
// resources/engine).
package health
