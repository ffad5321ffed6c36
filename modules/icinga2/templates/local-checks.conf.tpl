/*
 * local-checks.conf: managed by tend (module icinga2); local changes are
 * replaced. This host's services, checked by the agent itself.
 */

object Host NodeName {
  address = "${address}"
  check_command = "dummy"
  vars.dummy_text = "checked by the local agent"
}
%{ for name, c in checks }
object Service "${name}" {
  host_name = NodeName
  check_command = "${c.command}"
%{ for k, v in c.vars ~}
  vars.${k} = "${v}"
%{ endfor ~}
}
%{ endfor ~}
