# prometheus: Prometheus' own tools for the tests of the fleet view —
# promtool checks and unit-tests the shipped alerting rules and parses the
# dashboard's queries; prometheus and prometheus-node-exporter run on
# loopback in the fleet container test. They are Debian 12's packages,
# downloaded and unpacked under the test cache rather than installed: an
# installed package would start both daemons on every interface of the
# machine. The tests find the binaries through TEND_PROMETHEUS_BIN.
PROMETHEUS_DIR ?= $(or $(TEND_TEST_CACHE),/var/cache/tend-test)/prometheus
PROMETHEUS_DEBS := prometheus prometheus-node-exporter
export TEND_PROMETHEUS_BIN := $(abspath $(PROMETHEUS_DIR))/usr/bin

.PHONY: prometheus-tools
prometheus-tools:
	@if [ ! -x $(TEND_PROMETHEUS_BIN)/promtool ] || [ ! -x $(TEND_PROMETHEUS_BIN)/prometheus ] || \
		[ ! -x $(TEND_PROMETHEUS_BIN)/prometheus-node-exporter ]; then \
		set -e; echo "unpacking $(PROMETHEUS_DEBS) into $(PROMETHEUS_DIR)"; \
		tmp=$$(mktemp -d); chmod 755 $$tmp; \
		(cd $$tmp && apt-get download $(PROMETHEUS_DEBS) 2>/dev/null || \
			{ apt-get update -qq && apt-get download $(PROMETHEUS_DEBS); }); \
		rm -rf $(PROMETHEUS_DIR).new; mkdir -p $(PROMETHEUS_DIR).new; \
		for d in $$tmp/*.deb; do dpkg-deb -x $$d $(PROMETHEUS_DIR).new; done; \
		rm -rf $$tmp $(PROMETHEUS_DIR); mv $(PROMETHEUS_DIR).new $(PROMETHEUS_DIR); \
	fi
