// Package kindtest builds, for a resource kind's own tests, the
// configuration the config loader would hand the kind: every attribute of
// the schema present, the unset ones null. It is for tests only and
// touches nothing on the host.
package kindtest
