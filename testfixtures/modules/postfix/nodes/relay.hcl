# The postfix module on its own, with every kind of input set.
node "relay" {
  module "postfix" {
    source          = "postfix"
    myhostname      = "relay.example.org"
    mydomain        = "example.org"
    mydestination   = ["relay.example.org", "localhost"]
    mynetworks      = ["192.0.2.0/24", "127.0.0.0/8"]
    relayhost       = "[smarthost.example.org]"
    inet_protocols  = "ipv4"
    smtp_helo_name  = "mail.example.org"
    local_transport = "error:local delivery is disabled"
    tls_protocols   = "!SSLv2, !SSLv3"
    milters         = ["inet:127.0.0.1:8891"]
    maps = {
      canonical_maps = {
        type      = "pcre"
        parameter = "canonical_maps"
        entries   = [{ key = "/@(.*)\\.lan$/", value = "$1-admin@example.org" }]
      }
      transport = {
        type      = "hash"
        parameter = "transport_maps"
        entries   = [{ key = "lists.example.org", value = "smtp:[lists.internal]" }]
      }
    }
    mysql_maps = {
      aliases = {
        parameter = "virtual_alias_maps"
        hosts     = "unix:/run/mysqld/mysqld.sock"
        user      = "postfix"
        password  = "fixture-password"
        dbname    = "mail"
        query     = "SELECT destination FROM aliases WHERE source = '%s'"
      }
    }
    aliases_file = "/etc/aliases"
    services = [{
      name = "submission", type = "inet", private = "n", unpriv = "-", chroot = "y",
      wakeup = "-", maxproc = "-", command = "smtpd",
      args = ["-o syslog_name=postfix/submission", "-o smtpd_tls_security_level=encrypt"],
    }]
    parameters = { message_size_limit = "20480000" }
  }
}
