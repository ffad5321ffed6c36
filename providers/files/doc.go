// Package files provides the "file" resource kind: a regular file, a
// directory or a symbolic link under the run's root, with its content,
// owner, group and mode.
//
// Its boundary: it manages exactly one path per resource. It never creates
// parent directories (a missing parent is an error, so ordering is explicit
// through directory resources), never writes through a symlinked parent
// directory, and never follows the managed path itself when it is a
// symlink. Repository files and templates arrive already read and rendered
// by the config loader; user and group names resolve against the root's own
// /etc/passwd and /etc/group, not the host's name service. Atomic
// replacement of content is the job of the atomicfile package below it.
package files
