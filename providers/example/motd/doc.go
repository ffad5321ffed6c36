// Package motd is the example external provider's one kind, motd_line:
// a line that must be present in (or absent from) a text file, /etc/motd
// unless told otherwise. It exists to show, and to test end to end, a
// provider that runs as its own executable (cmd/tend-provider-motd)
// through the provider protocol; it is not compiled into tend.
//
// Its boundary: one line in one existing file. It never creates the file's
// directory, rewrites the file atomically keeping its owner and mode, and
// leaves every other line alone.
//
// For tend's own tests it can also misbehave on purpose during Apply
// (attribute crash: panic, exit, hang, a 50 MB error, or a process left
// holding its pipes), but only when the environment says
// TEND_TEST_FAULTS=1; otherwise setting crash is a configuration error.
package motd
