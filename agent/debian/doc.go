// Package debian builds tend's Debian package from a built static binary:
// /usr/bin/tend, the systemd units of package units in
// /lib/systemd/system, a commented default /etc/tend/agent.hcl
// (a conffile), the state directory /var/lib/tend (0700), the tend(8)
// manual page made from tend's own command tree (agent/cli), the
// copyright and changelog files, the fleet's alerting rules and dashboard
// and the JSON Schemas under /usr/share/tend, and maintainer scripts that
// enable (never start) the timer on first install and stop, disable and
// purge cleanly. dpkg-deb does the archiving; no debhelper is needed.
//
// Its boundary: it lays out files and calls dpkg-deb. make deb runs it
// through the mkdeb command.
package debian
