// Package faults is tend's fault suite: the real tend binary, built once,
// run as subprocesses against scratch roots, under the faults an admin's
// host meets. Overlapping runs of two configurations (tend apply against
// tend apply and tend agent) must never leave the host mixed, and every
// refused run exits 5 naming the holder; kill -9 at random points of first
// applies and updates must never leave a partial or wrong-mode file, and
// the next run converges; every state file truncated, zeroed, filled with
// garbage or replaced by a directory must not panic tend nor blind tend
// check; a saved plan edited in any way, or taken to another host, root,
// state directory or tend, is refused.
//
// Seeds are fixed (TEND_FAULTS_SEED overrides), and every test prints its
// figures. `go test` runs a short size; TEND_FAULTS=long (make faults)
// the full one. The package has no code besides its tests.
package faults
