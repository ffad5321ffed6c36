# What every mail server of the infrastructure has, whatever else it
# does: the base system (mail name, admin aliases, the admins' packages)
# and its certificates. Nodes list it before their own role; the other
# roles use its modules' outputs (module.base, module.tls).
role "mail-server" {
  module "base" {
    source   = "base"
    mailname = data.mailname
    aliases  = merge(data.aliases, data.issue_aliases)
    packages = data.packages

    admin_group   = data.admin_group
    admins        = data.admins
    ssh_host_keys = data.ssh_host_keys
    resolvers     = data.resolvers
    apt_proxy     = data.apt_proxy
  }

  # The node's certificates (data.tls_certificates): each chain from its
  # file in the repository, each key from data.tls_keys, encrypted. One
  # the node lists or its roles use without both is an error, unless the
  # node's data says allow_snakeoil.
  locals {
    role_certificates = flatten([for r in node.roles : lookup(data.tls_role_certificates, r, [])])
  }
  module "tls" {
    source         = "tls"
    required       = distinct(concat(keys(data.tls_certificates), local.role_certificates))
    allow_snakeoil = data.allow_snakeoil
    certificates = {
      for name, c in data.tls_certificates : name => {
        chain      = file(c.chain_file)
        key        = data.tls_keys[name]
        chain_path = c.chain_path
        key_path   = c.key_path
        names      = c.names
      } if fileexists(c.chain_file) && contains(keys(data.tls_keys), name)
    }
  }
}
