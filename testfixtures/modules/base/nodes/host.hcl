# The base module on its own.
node "host" {
  module "base" {
    source   = "base"
    mailname = "cacert.example"
    aliases  = { root = "admins@cacert.example" }
    packages = ["rsyslog", "logrotate"]
  }
}
