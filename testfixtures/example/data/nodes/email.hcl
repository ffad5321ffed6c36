# email's own values.
mydomain      = "email.intra.cacert.org"
myhostname    = "email.cacert.org"
mydestination = ["email.cacert.org", "email", "localhost.localdomain", "localhost"]

# Certificates (see data/common.hcl); their keys go in tls_keys.
tls_certificates = {
  smtp = {
    chain_file = "certs/email.cacert.org.chain.pem"
    chain_path = "/etc/ssl/public/email.cacert.org.chain.pem"
    key_path   = "/etc/ssl/private/email.cacert.org.key.pem"
    names      = ["email.cacert.org"]
  }
  community = {
    chain_file = "certs/community.cacert.org.chain.pem"
    chain_path = "/etc/ssl/public/community.cacert.org.chain.pem"
    key_path   = "/etc/ssl/private/community.cacert.org.key.pem"
    names      = ["community.cacert.org"]
  }
}
