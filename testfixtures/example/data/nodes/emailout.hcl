# emailout's own values.
mydomain      = "emailout.intra.cacert.org"
myhostname    = "emailout.intra.cacert.org"
mydestination = ["emailout.cacert.org", "emailout", "localhost.localdomain", "localhost"]

# Certificates (see data/common.hcl); their keys go in tls_keys.
tls_certificates = {
  smtp = {
    chain_file = "certs/emailout.cacert.org.chain.pem"
    chain_path = "/etc/ssl/public/emailout.cacert.org.chain.pem"
    key_path   = "/etc/ssl/private/emailout.cacert.org.key.pem"
    names      = ["emailout.cacert.org"]
  }
}
