// Package exec provides the exec resource kind: a shell command that runs
// during apply unless its guards (creates, unless, onlyif) say the work is
// already done, or that runs only when notified (refresh_only).
//
// Its job ends at one command: it evaluates the guards in Read, says in Plan
// whether the command will run, runs it in Apply or Refresh under a timeout
// that kills the command's whole process group, and keeps the bounded tail of
// its output for the run report. Ordering, notifications and deciding when
// Refresh is called belong to the engine; the package keeps no state between
// runs and shares none between resources, so many execs may run at once.
//
// An exec cannot know what its command changed, so it is never idempotent by
// itself: the guards are how a configuration makes it so, and they must be
// free of side effects because `tend plan` runs them too.
package exec
