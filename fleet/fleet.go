// Package fleet holds what watches a fleet of tend agents from
// Prometheus and Grafana: the alerting rules (prometheus/tend.rules.yml),
// their promtool unit tests (prometheus/tend.rules.test.yml) and the
// dashboard (grafana/tend-fleet.json). They read the metrics the agent
// writes for node_exporter's textfile collector (agent/metrics, and the
// preview's tend-preview.prom). The Debian package installs Files under
// /usr/share/tend, at the same paths.
package fleet

import "embed"

// Files are the shipped files, by their path under this directory.
//
//go:embed prometheus/*.yml grafana/*.json
var Files embed.FS
