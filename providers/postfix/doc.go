// Package postfix provides the postfix_map resource kind: a Postfix lookup
// table built from its source file with postmap(1), or postalias(1) for
// alias tables.
//
// Its job is the built table and nothing else. The source file is managed
// by a file resource (a map implicitly depends on it); telling Postfix
// about a new table is the job of a service resource the map notifies.
// The package remembers which source content each table was built from in
// the state directory (postfix-maps/), so a run killed between writing
// the source and building the table, or a deleted table, is rebuilt on the
// next run without any refresh event.
//
// A table is never built in place: the source is copied beside the live
// table, postmap builds the copy, a lookup is checked on the new table,
// and only then is it renamed over the live one. The tools are the host's
// own (/usr/sbin/postmap from Debian's postfix package), also when the run
// has a --root.
package postfix
