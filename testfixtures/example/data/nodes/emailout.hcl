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

# This checkout holds neither the certificate chains (certs/) nor their
# keys (tls_keys): until they are added, Postfix uses Debian's
# snakeoil pair. Drop this line then, so that a missing certificate is an
# error again.
allow_snakeoil = true
