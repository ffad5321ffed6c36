# The opendkim module on its own, its milter handed to postfix.
node "signer" {
  module "opendkim" {
    source         = "opendkim"
    domain         = "example.org"
    selector       = "2024"
    internal_hosts = ["127.0.0.1", "192.0.2.0/24"]
    dns_check      = true
    resolver       = "127.0.0.1:5353"
    # No key kept for this test node: the host makes its own.
    generate = true
  }

  module "postfix" {
    source     = "postfix"
    myhostname = "signer.example.org"
    mydomain   = "example.org"
    milters    = module.opendkim.milters
    groups     = module.opendkim.postfix_groups
  }
}
