// Package supervise keeps a crash of tend from passing for success.
//
// Go's runtime exits 2 on a fatal error (a stack overflow, running out of
// memory, a concurrent map write) and on a panic nobody recovered, and
// neither can be caught by the program itself; 2 is also tend's exit code
// for "changes applied". So the tend binary runs itself twice: a thin
// supervisor (the process a user or systemd started) re-executes
// /proc/self/exe as its child, marked by an environment variable, and
// learns the child's exit code from a pipe (the link, file descriptor 3)
// on which the child writes it just before a normal exit. A child that
// ends without having written it — killed by a signal, a runtime fatal
// error, an unrecovered panic — has crashed, whatever its exit status
// says, and the supervisor reports an internal error instead.
//
// The child also tells the supervisor, through the same link, where the
// run it is making records itself (state directory, node, metrics file)
// and which sensitive texts the configuration holds, so that a crash is
// recorded where the run would have been and its excerpt is redacted.
//
// Guarantees:
//   - the supervisor's exit code is the child's only when the child said
//     so and then exited normally with that code;
//   - SIGINT, SIGTERM and SIGHUP sent to the supervisor are forwarded to
//     the child; the child gets SIGKILL when the supervisor dies
//     (PDEATHSIG);
//   - both are child subreapers (PR_SET_CHILD_SUBREAPER): a process that
//     a command started and that escaped its process group (setsid, a
//     double fork) is re-parented to tend instead of init when its parent
//     exits, and Sweep kills and reaps every such process when a run ends
//     — and the supervisor once more after the child is gone, crashed or
//     not — so nothing tend started outlives it.
package supervise
