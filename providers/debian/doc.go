// Package debian provides the "package" resource kind: a Debian package
// installed (at any or an exact version) or absent, through dpkg and apt;
// and the "apt_source" kind: an APT source's sources file, the key it is
// signed with and its pin, written with providers/managedfile.
//
// A run reads the dpkg database once for all its packages: the first Read
// runs one dpkg-query over every package of the root, and later Reads use
// it for as long as dpkg's status file and journal are unchanged. Plan
// tells what apt would do by asking it: one `apt-get -s` (no lock, no
// cache files written) simulates every change of the run together, and
// apt's own account of why it picks each dependency says which package
// pulls in what. Packages apt does not know, or not at the wanted version,
// are planned with an `apt-get update` first, and so are all packages
// while an APT source changed since the lists were refreshed: an
// apt_source records that in the state directory (staleListsFile) before
// it changes a file, and the transaction that refreshes the lists
// removes the record. Nothing else refreshes the lists. Apply is a
// resources.Batcher: all changes of a root go into one `apt-get install`
// (removals as "name-"), after one debconf-set-selections for every
// preseeded answer. Everything runs without a terminal and with
// DEBIAN_FRONTEND=noninteractive; changed configuration files keep their
// local version (--force-confdef --force-confold); a held dpkg lock is
// waited for up to lock_timeout, then reported with its holder. A dpkg run
// that was interrupted (a non-empty journal, packages half installed or
// configured) is reported with the command that repairs it; tend does not
// repair it on its own.
//
// Under a root other than /, dpkg-query reads ROOT/var/lib/dpkg, and apt,
// dpkg and debconf run chrooted into the root, in a private mount
// namespace (unshare(1)) where /proc and /dev are mounted for the
// maintainer scripts and vanish with it. For the length of a transaction
// a policy-rc.d in the root forbids starting services, so a container's
// root file system can be prepared before its first boot.
//
// Its boundary: packages and their sources. apt's own configuration
// (apt.conf.d, a proxy, auth.conf.d credentials) is files; debconf
// answers seed installs and upgrades but do not reconfigure an installed
// package; purging configuration files is not offered.
package debian
