/*
 * api.conf: managed by tend (module icinga2); local changes are replaced.
 * The API feature: the masters connect here. Certificates are in
 * /var/lib/icinga2/certs (NodeName.crt, NodeName.key, ca.crt).
 */

object ApiListener "api" {
%{ if bind_host != "" ~}
  bind_host = "${bind_host}"
%{ endif ~}
  bind_port = ${bind_port}
  accept_config = ${accept_config}
  accept_commands = ${accept_commands}
}
