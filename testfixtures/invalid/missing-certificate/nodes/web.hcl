# tls refuses a certificate the node requires but does not give, unless
# the node allows Debian's snakeoil pair instead; the error names the
# certificate and points at the list that requires it.
node "web" {
  module "tls" {
    source = "tls"
    # expect-error: 8:22 Invalid value for variable; var.required: no certificate given for smtp: give each its chain and key, or set allow_snakeoil = true
    required       = ["smtp"]
    allow_snakeoil = false
  }
}
