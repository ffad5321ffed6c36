# Values every node shares; roles and nodes override them key by key.
domain    = "example.org"
motd      = "Managed by tend.\n"
relayhost = "[smtp.example.org]"
port      = 80
fqdn      = "${node.name}.${data.domain}"

aliases = {
  postmaster = "root"
  root       = "ops@example.org"
}
