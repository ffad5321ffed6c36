# A relay accepts mail from the intranet and forwards it; it delivers
# nothing locally and signs with DKIM once the key's record is published
# (the key from data: see data/roles/mail-relay.hcl).
role "mail-relay" {
  module "opendkim" {
    source         = "opendkim"
    domain         = data.dkim_domain
    selector       = data.dkim_selector
    private_key    = data.dkim_private_key
    generate       = data.dkim_generate
    internal_hosts = data.dkim_internal_hosts
    dns_check      = true
    resolver       = data.dkim_resolver
    force_milter   = data.dkim_force_milter
  }

  module "postfix" {
    source          = "postfix"
    myhostname      = data.myhostname
    mydomain        = data.mydomain
    myorigin        = module.base.mailname_path
    mydestination   = data.mydestination
    mynetworks      = data.mynetworks
    smtp_helo_name  = data.smtp_helo_name
    local_transport = data.local_transport
    tls_cert_file   = module.tls.chain_paths["smtp"]
    tls_key_file    = module.tls.key_paths["smtp"]
    milters         = module.opendkim.milters
    groups          = module.opendkim.postfix_groups
    aliases_file    = module.base.aliases_path
    maps = {
      canonical_maps = { type = "pcre", parameter = "canonical_maps", entries = data.canonical_maps }
      transport      = { type = "hash", parameter = "transport_maps", entries = data.transport }
    }
  }
}
