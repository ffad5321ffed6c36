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

  # Certificates whose files are in secrets/ (see data/common.hcl).
  module "tls" {
    source = "tls"
    certificates = {
      for name, c in data.tls_certificates : name => {
        chain      = file("${c.files}.chain.pem")
        key        = sensitive(file("${c.files}.key.pem"))
        chain_path = c.chain_path
        key_path   = c.key_path
        names      = c.names
      } if fileexists("${c.files}.chain.pem") && fileexists("${c.files}.key.pem")
    }
  }
}
