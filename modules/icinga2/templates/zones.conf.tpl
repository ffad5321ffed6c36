/*
 * zones.conf: managed by tend (module icinga2); local changes are
 * replaced. This agent's zone, below the masters' zone.
 */
%{ for e in parent_endpoints }
object Endpoint "${e}" {
%{ if lookup(parent_hosts, e, "") != "" ~}
  host = "${parent_hosts[e]}"
%{ else ~}
  /* No host: the master connects to this agent. */
%{ endif ~}
}
%{ endfor }
object Zone "${parent_zone}" {
  endpoints = [ ${join(", ", [for e in parent_endpoints : "\"${e}\""])} ]
}

object Endpoint NodeName {
}

object Zone ZoneName {
  endpoints = [ NodeName ]
  parent = "${parent_zone}"
}
%{ for z in global_zones }
object Zone "${z}" {
  global = true
}
%{ endfor ~}
