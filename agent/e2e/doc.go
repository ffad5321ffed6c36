// Package e2e holds tend's end-to-end tests: the real tend binary, built
// static, runs inside a booted Debian 11 container (testfixtures/container,
// private network) against real dpkg, apt, postmap and systemd over
// D-Bus, and the tests check the host it converged. The package has no
// code of its own besides the helpers its tests share.
package e2e
