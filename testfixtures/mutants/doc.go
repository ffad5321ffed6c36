// Package mutants makes hostile variants ("mutants") of a node repository
// and runs tend on them, to show that no input makes tend crash, hang or
// exit with a code it does not document.
//
// A Generator derives mutant number N of a seed from a base repository
// held in memory: byte flips and bytes set to troublesome values (NUL,
// invalid UTF-8, escape), HCL tokens deleted, duplicated, swapped or
// replaced by values of other types, bracket and template nesting bombs,
// huge strings, truncated, emptied, removed, renamed and copied files,
// files replaced by symlinks (to host files, loops, directories) or by
// directories, and the module library's files copied into the
// repository's modules/ so that modules and templates are mutated too.
// The same seed and number always give the same mutant, so a failure is
// reproduced with `go run ./testfixtures/mutants/cmd/mutant -seed S -n N
// DIR`.
//
// Supervise runs mutants in worker processes (tend's CLI called in
// process, fast) under a supervisor that restarts a worker which crashed
// or did not answer in time and counts that mutant as a failure; Sample
// runs some mutants through the real tend binary. Check holds what every
// run must satisfy: an exit code tend documents (0, 1, 2, 4, 6) and no
// Go panic or runtime crash in its output.
//
// Its boundary: it writes only inside the directories it is given; the
// symlinks it makes point at host files only to be read, never written.
package mutants
