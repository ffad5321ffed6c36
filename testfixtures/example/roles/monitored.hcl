# A host the monitoring master watches: the Icinga 2 agent, its endpoint
# below the master's zone, the API on 5665 the master connects to, and
# local checks of the services this host's roles run (data/roles/
# monitored.hcl: those of every host, then those of each role).
role "monitored" {
  module "icinga2" {
    source           = "icinga2"
    endpoint         = data.icinga_endpoint
    parent_zone      = data.icinga_parent_zone
    parent_endpoints = data.icinga_parent_endpoints
    checks           = merge(data.icinga_checks, [for r in node.roles : lookup(data.icinga_role_checks, r, {})]...)
  }
}
