# The tls module on its own. The test writes a certificate and its key to
# secrets/ (never committed); without them the module manages nothing.
# The node uses two certificates: www, whose files the test writes, and
# mail, which it never gets and which falls back to the snakeoil pair,
# as the node allows.
node "web" {
  module "tls" {
    source = "tls"
    certificates = {
      for name, c in {
        www = { files = "secrets/www", chain_path = "/etc/ssl/public/www.chain.pem", key_path = "/etc/ssl/private/www.key.pem", names = ["www.example.org"] }
        } : name => {
        chain      = file("${c.files}.chain.pem")
        key        = sensitive(file("${c.files}.key.pem"))
        chain_path = c.chain_path
        key_path   = c.key_path
        names      = c.names
      } if fileexists("${c.files}.chain.pem")
    }
    required       = ["www", "mail"]
    allow_snakeoil = true
    key_group      = "ssl-cert"
    key_mode       = "0640"
  }

  resource "file" "uses" {
    path    = "/etc/www-tls"
    content = "${jsonencode(module.tls.chain_paths)}\n"
  }
}
