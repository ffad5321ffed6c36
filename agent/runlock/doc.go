// Package runlock makes sure only one tend run works on a host at a time,
// with a kernel lock: flock(2) on a file in the state directory. The
// kernel drops the lock when its holder exits, however it exits, so a
// killed run never leaves a stale lock behind. The file also says who
// holds it (pid and since when), written after the lock is taken, so a
// second run can name the first.
//
// Its boundary: the lock and its file. What the holder does, and what a
// refused run reports or exits with, is the caller's business.
package runlock
