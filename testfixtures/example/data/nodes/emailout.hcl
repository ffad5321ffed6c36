# emailout's own values.
mydomain      = "emailout.intra.cacert.org"
myhostname    = "emailout.intra.cacert.org"
mydestination = ["emailout.cacert.org", "emailout", "localhost.localdomain", "localhost"]

tls_certificates = {
  smtp = {
    files      = "secrets/emailout.cacert.org"
    chain_path = "/etc/ssl/public/emailout.cacert.org.chain.pem"
    key_path   = "/etc/ssl/private/emailout.cacert.org.key.pem"
    names      = ["emailout.cacert.org"]
  }
}
