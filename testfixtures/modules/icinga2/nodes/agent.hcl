# The icinga2 module on its own: an agent below a master it never
# contacts, with a placeholder certificate and two local checks.
node "agent" {
  module "icinga2" {
    source           = "icinga2"
    endpoint         = "agent.example.org"
    parent_endpoints = ["master.example.org"]
    checks = {
      ssh       = { command = "ssh", vars = {} }
      "postfix" = { command = "procs", vars = { procs_command = "master", procs_critical = "1:" } }
    }
  }
}

# An agent with the certificate the masters' CA signed: the test writes
# it to secrets/ (never committed); without it, the placeholder.
node "signed" {
  module "icinga2" {
    source           = "icinga2"
    endpoint         = "signed.example.org"
    parent_endpoints = ["master.example.org"]
    parent_hosts     = { "master.example.org" = "192.0.2.10" }
    # Self-signed, so it is its own CA here.
    cert    = fileexists("secrets/signed.chain.pem") ? file("secrets/signed.chain.pem") : ""
    key     = fileexists("secrets/signed.key.pem") ? sensitive(file("secrets/signed.key.pem")) : ""
    ca_cert = fileexists("secrets/signed.chain.pem") ? file("secrets/signed.chain.pem") : ""
  }
}
