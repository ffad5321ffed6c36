# A relay accepts mail from the intranet and forwards it; it delivers
# nothing locally.
role "mail-relay" {
  module "base" {
    source   = "base"
    mailname = data.mailname
    aliases  = data.aliases
  }

  module "relay" {
    source         = "relay"
    mydomain       = data.mydomain
    myhostname     = data.myhostname
    mydestination  = data.mydestination
    mynetworks     = data.mynetworks
    smtp_helo_name = data.smtp_helo_name
    canonical_maps = data.canonical_maps
    transport      = data.transport
  }
}
