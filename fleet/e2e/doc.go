// Package e2e holds the fleet's acceptance test: three Debian 11
// containers (testfixtures/container, private network) follow one signed
// node repository with tend agent, and a real Prometheus on this
// machine's loopback scrapes their metrics through one node exporter per
// host and evaluates the shipped alerting rules (fleet/prometheus). The
// package has no code of its own besides the helpers its test uses.
package e2e
