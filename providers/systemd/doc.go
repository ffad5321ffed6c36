// Package systemd provides the "service" resource kind: whether a systemd
// unit is running, enabled at boot and masked, and how it takes a refresh
// event (reload or restart).
//
// Its boundary: on a running system it speaks to systemd over D-Bus only
// (github.com/coreos/go-systemd/v22/dbus, one connection per process,
// shared by every service resource), waits for every job it starts with a
// deadline and checks the job's result. The only other program it runs is
// journalctl, read-only, for the log lines a failed unit's error carries.
// Under an alternate root (tend --root) no systemd is running for that
// tree, so it manages enablement and masking offline with
// `systemctl --root` and defers starting and stopping to the tree's first
// boot. It does not write unit files (file resources do, and a service
// orders itself after them) and does not install packages (it orders
// itself after the package that ships its unit, when one is managed).
package systemd
