role "mail" {
  module "base" {
    source   = "base"
    mailname = data.domain
    aliases  = data.aliases
  }

  resource "file" "relayhost" {
    path    = "/etc/postfix/relayhost"
    content = "relayhost = ${data.relayhost}\n"
  }
}
