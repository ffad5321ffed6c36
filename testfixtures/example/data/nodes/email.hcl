# email's own values.
mydomain      = "email.intra.cacert.org"
myhostname    = "email.cacert.org"
mydestination = ["email.cacert.org", "email", "localhost.localdomain", "localhost"]

tls_certificates = {
  smtp = {
    files      = "secrets/email.cacert.org"
    chain_path = "/etc/ssl/public/email.cacert.org.chain.pem"
    key_path   = "/etc/ssl/private/email.cacert.org.key.pem"
    names      = ["email.cacert.org"]
  }
  community = {
    files      = "secrets/community.cacert.org"
    chain_path = "/etc/ssl/public/community.cacert.org.chain.pem"
    key_path   = "/etc/ssl/private/community.cacert.org.key.pem"
    names      = ["community.cacert.org"]
  }
}
