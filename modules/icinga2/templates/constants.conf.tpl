/*
 * constants.conf: managed by tend (module icinga2); local changes are
 * replaced.
 */

const PluginDir = "/usr/lib/nagios/plugins"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"

/* This agent's endpoint: the common name of its API certificate. */
const NodeName = "${endpoint}"
const ZoneName = NodeName

/* Only a CA (master) signs tickets. */
const TicketSalt = ""
