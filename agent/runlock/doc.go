// Package runlock makes sure only one tend run works on a host at a time,
// with a kernel lock: flock(2) on a file in the state directory. The
// kernel drops the lock when its holder exits, however it exits, so a
// killed run never leaves a stale lock behind.
//
// The same file is the run's marker. Right after taking the lock, before
// anything else, the holder writes who it is (pid, command, since when);
// when the run has recorded its result (or had nothing to record) it adds
// when it finished. So the file tells a second run who to name, and tells
// monitoring (Peek) whether a run is in progress, or whether the last run
// started but never recorded how it ended: killed, or its report could not
// be written. The record is rewritten in place at a fixed size, so a full
// file system does not keep a run from marking itself.
//
// Its boundary: the lock and its file. What the holder does, and what a
// refused run reports or exits with, is the caller's business.
package runlock
