// Package container runs tests against a real Debian 11 (bullseye) or, with
// Options.Release "bookworm", Debian 12 system: a throwaway copy of a cached
// root file system, booted with systemd-nspawn so that systemd, D-Bus, dpkg
// and apt are the real ones.
//
//	c := container.New(t, container.Options{Packages: []string{"postfix"}})
//	// c.Root() is a plain directory: tend can converge it with --root here.
//	c.Boot(t)
//	c.Run(t, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "postfix") // offline
//	state := c.Run(t, "systemctl", "is-active", "postfix")
//
// Its boundary: it makes, boots, enters and removes containers; it knows
// nothing of tend. Everything it starts is stopped and everything it creates
// (except the cache) is removed in t.Cleanup, whether the test passed,
// failed or panicked.
//
// # The cache
//
// The root file system of each release is built once by debootstrap
// (minbase, plus systemd, systemd-sysv and dbus) into its own directory of
// $TEND_TEST_CACHE (default /var/cache/tend-test), RELEASE-rN, and reused
// by every later test and test binary. The .debs of each Options.Packages
// set, with their dependencies, are downloaded once per release (with
// network, in a chroot of a copy of the root file system, before anything
// boots) and kept under the cache keyed by the sorted package list; New
// copies them into the container's /var/cache/apt/archives, so apt-get
// install works inside without any network. Builds are atomic (made in a
// temporary directory, renamed when complete) and serialised by a flock, so
// parallel test binaries never build the same thing twice. Delete the cache
// directory to rebuild it; bump recipeVersion when the recipe changes.
//
// The apt sources are bullseye main at its final point release, without
// bullseye-security: the archive no longer changes, so the cached apt lists
// and .debs never go stale. Bookworm's are bookworm main alone, as
// debootstrap writes them, frozen at the point release current when the
// cache was built: no bookworm-security or -updates, whose churn would
// make the cached lists stale within weeks, and the containers have no
// network to fetch fixes anyway. The .debs of a set, once downloaded,
// stay usable; only a set first downloaded after a later point release
// can miss a version the frozen lists name (apt-get fails with 404,
// naming it): delete the bookworm directory of the cache to rebuild it.
//
// # Changes to a stock minbase system
//
// Both releases get the same ones. Each makes the container boot quickly
// or behave the same on every run; rootfs.go lists them with the reason
// for each: host name tend-test, resolvable through /etc/hosts; no name
// server; an apt drop-in that keeps downloaded .debs and skips
// translations and the source package cache; dpkg's force-unsafe-io; a
// 10 s stop timeout per unit; no policy-rc.d, so services start when
// installed; and masked units that have no place in a container (apt's
// daily timers, which would take the dpkg lock mid-test, e2scrub, fstrim,
// pstore, gettys). Each container also gets its own machine ID.
//
// # Processes
//
// Boot runs systemd-nspawn as a child of the test process. Exec enters the
// container with nsenter. The cleanup kills what Exec still runs, asks
// systemd for an orderly shutdown (SIGTERM to nspawn) and kills the
// container's PID 1 if that takes longer than 30 s. Should the test process
// die without its cleanups (a go test timeout), nspawn gets SIGTERM from the
// kernel and shuts the container down by itself, and the next New removes
// the directory it left.
//
// # Timings
//
// On a 2-core machine: building the root file system takes 40-60 s (once
// per release and cache; bookworm 52 s), New 0.5-1 s on an idle machine (a copy of 200 MB in 8,300
// files) but up to 8 s while other tests write to the disk, Boot 0.3-0.8 s,
// the shutdown 0.1 s (3 s with postfix and opendkim running), installing
// postfix and opendkim with their dependencies 15-30 s.
//
// # Network
//
// Containers boot with --private-network: inside there is only loopback and
// no name server, so nothing a test does can leave the machine. Only the
// cache builds (debootstrap, apt-get update, apt-get --download-only) reach
// the Debian mirror ($TEND_TEST_MIRROR, default http://deb.debian.org/debian,
// for every release; should bullseye leave it,
// http://archive.debian.org/debian).
//
// # Requirements
//
// Root, debootstrap, systemd-nspawn (systemd-container), chroot and nsenter.
// Without them New skips the test, unless $TEND_TEST_REQUIRE_CONTAINERS is
// set (the make targets set it), when it fails the test instead.
package container
